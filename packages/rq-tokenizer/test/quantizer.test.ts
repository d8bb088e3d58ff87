import { MISSING_CODE, ResidualQuantizer, RqError, readNpy, readSafetensors, writeSafetensors } from '../src';
import { gauss, rng } from './helpers';

function randomQuantizer(seed: number, levels = 2, k = 256, d = 256): ResidualQuantizer {
  const r = rng(seed);
  const books = Array.from({ length: levels }, (_, l) =>
    Float32Array.from({ length: k * d }, () => gauss(r) / (l + 1)),
  );
  return new ResidualQuantizer(books, { codebookSize: k, dim: d });
}

/** Independent reference: brute-force squared distances, first minimum wins. */
function bruteForce(q: ResidualQuantizer, z: Float32Array, n: number): Int32Array {
  const out = new Int32Array(n * q.levels);
  for (let v = 0; v < n; v++) {
    const r = Array.from(z.subarray(v * q.dim, (v + 1) * q.dim));
    for (let l = 0; l < q.levels; l++) {
      const book = q.codebook(l);
      let best = -1;
      let bestDist = Number.POSITIVE_INFINITY;
      for (let c = 0; c < q.codebookSize; c++) {
        let dist = 0;
        for (let i = 0; i < q.dim; i++) dist += (r[i] - book[c * q.dim + i]) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      out[v * q.levels + l] = best;
      for (let i = 0; i < q.dim; i++) r[i] -= book[best * q.dim + i];
    }
  }
  return out;
}

test('encode equals a brute-force search; decode is the sum of the chosen codewords', () => {
  const q = randomQuantizer(1);
  const r = rng(2);
  const n = 200;
  const z = Float32Array.from({ length: n * 256 }, () => gauss(r));
  const codes = q.encode(z, n);
  expect(Array.from(codes)).toEqual(Array.from(bruteForce(q, z, n)));
  const recon = q.decode(codes, n);
  const b0 = q.codebook(0);
  const b1 = q.codebook(1);
  for (let v = 0; v < n; v++) {
    for (let i = 0; i < 256; i++) {
      expect(recon[v * 256 + i]).toBe(
        Math.fround(b0[codes[2 * v] * 256 + i] + b1[codes[2 * v + 1] * 256 + i]),
      );
    }
  }
});

test('exact ties go to the lowest code, like the brute-force search', () => {
  const book = new Float32Array(4 * 2);
  book.set([1, 0, -1, 0, 0, 1, 1, 0]); // code 3 duplicates code 0
  const q = new ResidualQuantizer([book], { codebookSize: 4, dim: 2 });
  expect(Array.from(q.encode(Float32Array.from([0, 0, 2, 0]), 2))).toEqual([0, 0]);
});

test('a missing level (-1) is left out of the sum', () => {
  const q = randomQuantizer(3, 2, 4, 3);
  expect(Array.from(q.decode(Int32Array.from([2, MISSING_CODE]), 1))).toEqual(
    Array.from(q.codebook(0).subarray(6, 9)),
  );
});

test('safetensors round trip', () => {
  const q = randomQuantizer(4, 2, 16, 8);
  const back = ResidualQuantizer.fromSafetensors(q.toSafetensors());
  expect(back.levels).toBe(2);
  for (let l = 0; l < 2; l++) expect(Array.from(back.codebook(l))).toEqual(Array.from(q.codebook(l)));
});

/** A safetensors file built byte by byte from the published format, as another writer would. */
function handMadeSafetensors(tensors: Array<[string, string, number[], number[]]>, pad = 0): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { source: 'hand-made' } };
  const size: Record<string, number> = { F32: 4, F64: 8, F16: 2 };
  let offset = 0;
  for (const [name, dtype, shape, values] of tensors) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + values.length * size[dtype]] };
    offset += values.length * size[dtype];
  }
  const json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, json.length, true); // u64 little-endian: low word, then a zero high word
  view.setUint32(4, 0, true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const [, dtype, , values] of tensors) {
    for (const v of values) {
      if (dtype === 'F32') view.setFloat32(at, v, true);
      else if (dtype === 'F64') view.setFloat64(at, v, true);
      else view.setUint16(at, v, true); // F16: raw half-precision bits
      at += size[dtype];
    }
  }
  return bytes;
}

test('reads a file written by another implementation (per-level tensors, F64 and F16)', () => {
  const file = handMadeSafetensors(
    [
      ['rq.layers.1._codebook.embed', 'F16', [1, 2, 2], [0x3c00, 0xc000, 0x3800, 0x0000]], // 1, -2, 0.5, 0
      ['rq.layers.0._codebook.embed', 'F64', [2, 2], [0.25, 1.5, -3, 4]],
    ],
    3,
  );
  const q = ResidualQuantizer.fromSafetensors(file);
  expect([q.levels, q.codebookSize, q.dim]).toEqual([2, 2, 2]);
  expect(Array.from(q.codebook(0))).toEqual([0.25, 1.5, -3, 4]);
  expect(Array.from(q.codebook(1))).toEqual([1, -2, 0.5, 0]);
  expect(readSafetensors(file).get('rq.layers.0._codebook.embed')?.shape).toEqual([2, 2]);
});

test('reads .npy codebooks', () => {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 1), }";
  const padding = ' '.repeat(64 - ((10 + header.length + 1) % 64));
  const padded = `${header}${padding}\n`;
  const bytes = new Uint8Array(10 + padded.length + 16);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, padded.length, true);
  bytes.set(new TextEncoder().encode(padded), 10);
  new Float32Array(bytes.buffer, 10 + padded.length, 4).set([1, 2, 3, 4]);
  const q = ResidualQuantizer.fromNpy(bytes);
  expect([q.levels, q.codebookSize, q.dim]).toEqual([2, 2, 1]);
  expect(Array.from(q.codebook(1))).toEqual([3, 4]);
});

describe('bad input → RqError with a code naming the argument', () => {
  const q = randomQuantizer(5, 2, 4, 3);
  const err = (fn: () => unknown): RqError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(RqError);
      return e as RqError;
    }
    throw new Error('did not throw');
  };
  test('shapes and values', () => {
    expect(err(() => q.encode(new Float32Array(5), 2))).toMatchObject({
      code: 'INVALID_SHAPE',
      message: expect.stringMatching(/z has length 5, expected .*6/),
    });
    expect(err(() => q.encode(Float32Array.from([0, Number.NaN, 0]), 1))).toMatchObject({
      code: 'INVALID_VALUE',
      message: expect.stringMatching(/vector 0, dim 1/),
    });
    expect(err(() => q.encode([0, 0, 0] as never, 1)).code).toBe('INVALID_SHAPE');
    expect(err(() => q.decode(Int32Array.from([0, 4]), 1))).toMatchObject({
      code: 'INVALID_CODES',
      message: expect.stringMatching(/level 1.*\[0, 3\].*4/),
    });
    expect(err(() => q.decode(Int32Array.from([0]), 1)).code).toBe('INVALID_CODES');
    expect(err(() => new ResidualQuantizer([new Float32Array(5)], { codebookSize: 2, dim: 3 })).code).toBe(
      'INVALID_SHAPE',
    );
    // Called from JavaScript without a shape.
    expect(
      err(() => new (ResidualQuantizer as unknown as new (c: unknown) => unknown)([new Float32Array(6)])),
    ).toMatchObject({
      code: 'INVALID_SHAPE',
      message: expect.stringMatching(/shape must be an object/),
    });
  });
  test('writeSafetensors refuses tensors whose shape does not match their data', () => {
    expect(err(() => writeSafetensors({ c: { shape: [2, 3], data: new Float32Array(5) } }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/tensors\.c has shape \[2,3\] \(6 values\) but 5 values/),
    });
    expect(err(() => writeSafetensors({ c: { shape: [-1], data: new Float32Array(0) } })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => writeSafetensors({ c: { shape: [1], data: [1] as never } })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => writeSafetensors({}, { n: 1 as never })).message).toMatch(/metadata/);
    // Anything but a plain object or a Map would silently write no tensors.
    expect(err(() => writeSafetensors([{ shape: [1], data: new Float32Array(1) }] as never)).message).toMatch(
      /tensors must be an object or a Map/,
    );
    expect(
      err(() => writeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } })).message,
    ).toMatch(/cannot be named "__metadata__"/);
  });
  test('writeSafetensors takes what readSafetensors returns, a Map, in order', () => {
    const a = { shape: [2], data: Float32Array.of(1, 2) };
    const b = { shape: [1, 3], data: Float32Array.of(3, 4, 5) };
    const fromMap = writeSafetensors(
      new Map([
        ['b', b],
        ['a', a],
      ]),
    );
    expect(fromMap).toEqual(writeSafetensors({ b, a }));
    const back = readSafetensors(fromMap);
    expect([...back.keys()]).toEqual(['b', 'a']);
    expect(writeSafetensors(back)).toEqual(fromMap);
  });
  test('truncated and malformed files', () => {
    const good = q.toSafetensors();
    expect(err(() => ResidualQuantizer.fromSafetensors(good.subarray(0, 5)))).toMatchObject({
      code: 'INVALID_FILE',
      message: expect.stringMatching(/truncated/),
    });
    expect(err(() => ResidualQuantizer.fromSafetensors(good.subarray(0, good.length - 4)))).toMatchObject({
      code: 'INVALID_FILE',
      message: expect.stringMatching(/truncated.*codebooks/),
    });
    const corrupt = Uint8Array.from(good);
    corrupt[8] = 0x7b + 1;
    expect(err(() => ResidualQuantizer.fromSafetensors(corrupt)).message).toMatch(/not valid JSON/);
    expect(
      err(() =>
        ResidualQuantizer.fromSafetensors(handMadeSafetensors([['codebooks', 'F32', [2, 2], [1, 2, 3, 4]]])),
      ).code,
    ).toBe('INVALID_SHAPE');
    expect(
      err(() => ResidualQuantizer.fromSafetensors(handMadeSafetensors([['weights', 'F32', [1], [1]]])))
        .message,
    ).toMatch(/no codebook tensors/);
    expect(err(() => ResidualQuantizer.fromNpy(new Uint8Array(20))).message).toMatch(/NUMPY/);
    // An unsupported dtype, built by hand: I64 is not a float type.
    const i64 = handMadeSafetensors([['codebooks', 'F64', [1, 1, 1], [1]]]);
    i64.set(new TextEncoder().encode('"I64"'), new TextDecoder().decode(i64).indexOf('"F64"'));
    expect(err(() => ResidualQuantizer.fromSafetensors(i64))).toMatchObject({
      code: 'INVALID_FILE',
      message: expect.stringMatching(/unsupported dtype "I64"/),
    });
  });
});

test('mutated .npy and safetensors files: an RqError with a code, or codebooks; never a RangeError', () => {
  // Real files as numpy and safetensors write them (numpy's header padded to 64 bytes).
  const npy = (() => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4, 3), }";
    const padded = `${header}${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
    const bytes = new Uint8Array(10 + padded.length + 24 * 4);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 10);
    new Float32Array(bytes.buffer, 10 + padded.length, 24).set(Array.from({ length: 24 }, (_, i) => i / 7));
    return bytes;
  })();
  const st = writeSafetensors({
    'codebook.0': { shape: [4, 3], data: new Float32Array(12).fill(0.5) },
    'codebook.1': { shape: [4, 3], data: new Float32Array(12).fill(-0.25) },
  });
  expect(ResidualQuantizer.fromNpy(npy).levels).toBe(2);
  expect(ResidualQuantizer.fromSafetensors(st).levels).toBe(2);
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const outcomes = { rqError: 0, read: 0 };
  for (let k = 0; k < 400; k++) {
    const base = k % 2 ? npy : st;
    let bytes = Uint8Array.from(base);
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const r = rand();
      const at = Math.floor(rand() * bytes.length);
      // Bytes anywhere, the header's text, its length field, or the file cut short.
      if (r < 0.4) bytes[at] = Math.floor(rand() * 256);
      else if (r < 0.7)
        bytes[8 + Math.floor(rand() * 60)] = '0123456789-,( )x'.charCodeAt(Math.floor(rand() * 16));
      else if (r < 0.85) bytes[8 + Math.floor(rand() * 4)] = Math.floor(rand() * 256);
      else bytes = bytes.subarray(0, at);
    }
    try {
      (k % 2 ? ResidualQuantizer.fromNpy(bytes) : ResidualQuantizer.fromSafetensors(bytes)).levels;
      outcomes.read++;
    } catch (e) {
      expect({ k, name: (e as Error).name, code: typeof (e as RqError).code }).toEqual({
        k,
        name: 'RqError',
        code: 'string',
      });
      outcomes.rqError++;
    }
  }
  expect(outcomes.rqError).toBeGreaterThan(200);
  // Shapes must be non-negative integers matching the data.
  const withShape = (shape: string) => {
    const b = Uint8Array.from(npy);
    const text = new TextDecoder().decode(b.subarray(10, 10 + new DataView(b.buffer).getUint16(8, true)));
    const replaced = text.replace('(2, 4, 3)', shape.padEnd(9));
    b.set(new TextEncoder().encode(replaced), 10);
    return b;
  };
  for (const shape of ['(2, -4, 3)', '(2, 4.5, 3)', '(2, a, 3)', '(2, 4, 4)', '(1e9, 4)'])
    expect(() => readNpy(withShape(shape))).toThrow(expect.objectContaining({ code: 'INVALID_FILE' }));
  expect(readNpy(withShape('(24,)')).shape).toEqual([24]);
});
