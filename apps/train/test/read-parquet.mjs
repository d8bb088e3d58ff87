// A second, independent Parquet reader for the tests: arrow-rs (parquet-wasm) decodes the file and
// apache-arrow turns it into rows. Prints {"schema": [...], "rows": [...]} as JSON.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tableFromIPC } from 'apache-arrow';
import { initSync, readParquet } from 'parquet-wasm/esm';

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });
const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(process.argv[2]))).intoIPCStream());
const plain = (v) =>
  typeof v === 'bigint'
    ? Number(v)
    : v && typeof v.toJSON === 'function' && !(typeof v === 'string')
      ? plain(v.toJSON())
      : Array.isArray(v)
        ? v.map(plain)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
          : v;
process.stdout.write(
  JSON.stringify({
    schema: table.schema.fields.map((f) => `${f.name}: ${f.type}`),
    rows: table.toArray().map((r) => plain(r)),
  }),
);
