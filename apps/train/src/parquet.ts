import type { RlEngine } from '@seglang/polygon-grammar';
import { fileWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';

const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'REQUIRED',
});
const int64 = (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'REQUIRED' });
/** A list column in Parquet's three-level layout (`<name>.list.element`), as pyarrow writes one. */
const list = (name: string, element: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...element,
];
const struct = (name: string, fields: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', num_children: fields.length },
  ...fields,
];

/**
 * The columns of each engine's rows (`rlRecord`), every field required: verl's `prompt` a list of
 * `{role, content}`, `images` a list of `{image}`, `reward_model` and `extra_info` structs; EasyR1's
 * `images` a list of paths. pyarrow and Hugging Face `datasets` read them as the engines' loaders do.
 */
const COLUMNS: Record<RlEngine, SchemaElement[][]> = {
  verl: [
    [text('data_source')],
    list('prompt', struct('element', [text('role'), text('content')])),
    list('images', struct('element', [text('image')])),
    [text('ability')],
    struct('reward_model', [text('style'), text('ground_truth')]),
    struct('extra_info', [text('split'), int64('index'), text('id'), text('task')]),
  ],
  easyr1: [[text('problem')], [text('answer')], list('images', [text('element')]), [text('id')]],
};

/** The names of an engine's top-level columns, in order. */
export const PARQUET_COLUMNS = (engine: RlEngine): string[] => COLUMNS[engine].map((c) => c[0].name);

/** Rows a row group: small enough to hold while writing, large enough for good compression. */
const ROW_GROUP = 4096;

/**
 * Writes RL rows to a Parquet file (Snappy), a row group at a time as `next` hands rows over, so a
 * split of any size streams through. 64-bit integers are written from JavaScript numbers.
 */
export function writeRlParquet(
  file: string,
  engine: RlEngine,
  forEach: (emit: (row: object) => void) => void,
): void {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: COLUMNS[engine].length },
    ...COLUMNS[engine].flat(),
  ];
  const names = PARQUET_COLUMNS(engine);
  const writer = new ParquetWriter({ writer: fileWriter(file), schema, createdBy: 'seglang-train prepare' });
  let rows: Record<string, unknown>[] = [];
  const flush = () => {
    if (rows.length === 0) return;
    writer.write({
      columnData: names.map((name) => ({ name, data: rows.map((r) => int64Fields(r[name])) })),
      rowGroupSize: ROW_GROUP,
    });
    rows = [];
  };
  forEach((row) => {
    rows.push(row as Record<string, unknown>);
    if (rows.length === ROW_GROUP) flush();
  });
  flush();
  writer.finish();
}

/** `extra_info.index` as a BigInt, the type an INT64 column takes. */
function int64Fields(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'index' in value)
    return { ...(value as object), index: BigInt((value as { index: number }).index) };
  return value;
}
