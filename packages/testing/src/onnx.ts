import onnxProto, { type onnx as P } from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types the fixtures use (ONNX `TensorProto.DataType`). */
export type DType = 'float32' | 'int64' | 'bool';

const ELEM: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a fixed size, or a symbolic name (`'batch'`) for a dynamic axis. */
export type Dim = number | string;

type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

function valueInfo(name: string, dtype: DType, dims: Dim[]): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[dtype],
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.FLOATS, floats: v.floats };
}

/**
 * A minimal ONNX graph builder: declare inputs and outputs, add nodes and constants, serialise to a
 * `ModelProto`. Enough to write small deterministic models with the exact input and output names,
 * dtypes and shapes of real exports, whose outputs are checkable functions of their inputs.
 *
 * Integer attributes are plain numbers and number arrays; float attributes are `{ float }` / `{ floats }`.
 */
export class GraphBuilder {
  private readonly nodes: P.INodeProto[] = [];
  private readonly inits: P.ITensorProto[] = [];
  private readonly inputs: P.IValueInfoProto[] = [];
  private readonly outputs: P.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Declares a graph output; `from` is the value to expose under `name` (an Identity node). */
  output(name: string, from: string, dtype: DType, dims: Dim[]): void {
    this.nodes.push({ opType: 'Identity', input: [from], output: [name], name: `out_${name}` });
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** A constant tensor (an initializer). Returns its value name. */
  constant(values: ArrayLike<number>, dims: number[], dtype: DType = 'float32'): string {
    const name = `const_${this.counter++}`;
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size)
      throw new Error(`constant ${name}: ${values.length} values for dims [${dims}]`);
    const t: P.ITensorProto = { name, dims, dataType: ELEM[dtype] };
    if (dtype === 'float32' && size > 4096) {
      const f = Float32Array.from(values);
      t.rawData = new Uint8Array(f.buffer, f.byteOffset, f.byteLength); // little-endian, as ONNX requires
    } else if (dtype === 'float32') t.floatData = Array.from(values);
    else if (dtype === 'int64') t.int64Data = Array.from(values);
    else t.int32Data = Array.from(values, (v) => (v ? 1 : 0));
    this.inits.push(t);
    return name;
  }

  /** A 1-D int64 constant, e.g. axes or shapes. */
  ints(values: number[]): string {
    return this.constant(values, [values.length], 'int64');
  }

  /** A float32 scalar constant. */
  scalar(v: number): string {
    return this.constant([v], []);
  }

  /** Adds a node with one output; returns the output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    const out = `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType,
      input: inputs,
      output: [out],
      name: out,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Serialises to ONNX bytes (IR version 8, default opset `opset`). */
  build(opset = 17): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@seglang/testing',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** A model whose weights live in external data files, as large exports ship them. */
export interface ExternalDataModel {
  /** The `.onnx` bytes, with each moved initializer pointing at its file, offset and length. */
  model: Uint8Array;
  /** The data files, named as the model refers to them (`<model file>_data`, `<model file>_data_1`, …). */
  files: { name: string; data: Uint8Array }[];
}

/**
 * Moves every initializer stored as raw bytes into external data files, the way `onnx`'s
 * `save_model(..., save_as_external_data=True)` does: the tensor keeps its name, dims and type,
 * its `data_location` becomes EXTERNAL and `external_data` holds `location`, `offset` and `length`.
 * As there, only tensors of at least `sizeThreshold` bytes move (float32 values are converted to raw
 * bytes first). Each tensor lies whole in one file; a new file starts once `chunkBytes` would be
 * exceeded, giving the numbered chunks (`_data_1`, `_data_2`) that multi-file exports use. Offsets
 * are 4096-aligned.
 */
export function externalizeWeights(
  modelBytes: Uint8Array,
  fileName: string,
  chunkBytes = Number.POSITIVE_INFINITY,
  sizeThreshold = 1024,
): ExternalDataModel {
  const model = onnx.ModelProto.decode(modelBytes);
  for (const t of model.graph?.initializer ?? []) {
    if (t.floatData && t.floatData.length * 4 >= sizeThreshold) {
      const f = Float32Array.from(t.floatData);
      t.rawData = new Uint8Array(f.buffer);
      t.floatData = [];
    }
  }
  const files: { name: string; parts: Uint8Array[]; size: number }[] = [];
  const align = 4096;
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (!raw || raw.length === 0 || raw.length < sizeThreshold) continue;
    let file = files[files.length - 1];
    const start = file ? Math.ceil(file.size / align) * align : 0;
    if (!file || (file.size > 0 && start + raw.length > chunkBytes)) {
      const name = files.length === 0 ? `${fileName}_data` : `${fileName}_data_${files.length}`;
      file = { name, parts: [], size: 0 };
      files.push(file);
    }
    const offset = Math.ceil(file.size / align) * align;
    if (offset > file.size) file.parts.push(new Uint8Array(offset - file.size));
    file.parts.push(raw);
    file.size = offset + raw.length;
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: file.name },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    t.rawData = new Uint8Array(0);
  }
  return {
    model: onnx.ModelProto.encode(model).finish(),
    files: files.map((f) => {
      const data = new Uint8Array(f.size);
      let at = 0;
      for (const p of f.parts) {
        data.set(p, at);
        at += p.length;
      }
      return { name: f.name, data };
    }),
  };
}
