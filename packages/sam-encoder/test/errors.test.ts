/** Bad input: a typed SamError with a code and a message that says what and where. */
import { join } from 'node:path';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { samtokCodebooks } from '@seglang/testing';
import { type Ort, SamError, SamPredictor, SamTok } from '../src';
import { fixtures, maskOf, RUNTIMES, texture } from './helpers';

const rejectsWith = async (p: Promise<unknown>, code: string, message?: RegExp) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SamError);
  expect((e as SamError).code).toBe(code);
  if (message) expect((e as SamError).message).toMatch(message);
};

describe.each(RUNTIMES)('%s', (_name, ort) => {
  test('a missing model file is MODEL_NOT_FOUND, naming the model and the path', async () => {
    const { encoder } = fixtures().samexporter;
    const missing = join(fixtures().transformersJs.dir, 'onnx', 'nope.onnx');
    await rejectsWith(
      SamPredictor.create({ ort, encoder, decoder: missing }),
      'MODEL_NOT_FOUND',
      /mask decoder from .*nope\.onnx: file not found/,
    );
  });

  test('corrupt model bytes are MODEL_LOAD_FAILED', async () => {
    const { decoder } = fixtures().samexporter;
    await rejectsWith(
      SamPredictor.create({ ort, encoder: Uint8Array.from([8, 7, 0, 1, 2, 255, 3]), decoder }),
      'MODEL_LOAD_FAILED',
      /image encoder \(7 bytes\)/,
    );
  });

  test('a graph that does not match the layout lists expected and found names and shapes', async () => {
    const f = fixtures();
    const e = await SamPredictor.create({
      ort,
      encoder: f.transformersJs.encoder,
      decoder: f.samexporter.decoder,
    }).then(
      () => new SamError('INVALID_ARGUMENT', 'expected a rejection'),
      (err: unknown) => err as SamError,
    );
    expect(e).toBeInstanceOf(SamError);
    expect(e.code).toBe('LAYOUT_MISMATCH');
    expect(e.message).toContain('mask decoder (transformers-js layout)');
    expect(e.message).toContain('missing inputs input_points, input_labels, input_boxes');
    expect(e.message).toContain('Expected inputs: input_points [B, P, N, 2]');
    expect(e.message).toContain('Found inputs: image_embed [1, 256, 64, 64]');
    // An encoder of neither layout.
    await rejectsWith(
      SamPredictor.create({ ort, encoder: f.samtok.encoder, decoder: f.samexporter.decoder }),
      'LAYOUT_MISMATCH',
      /expected "image" \(samexporter\) or "pixel_values"/,
    );
    // SAMTok graphs swapped.
    await rejectsWith(
      SamTok.create({
        ort,
        ...f.samtok,
        encoder: f.samtok.decoder,
        quantizer: new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 }),
      }),
      'LAYOUT_MISMATCH',
      /SAMTok encoder does not match the layout: missing inputs mask_input, boxes; unexpected inputs mask_embedding/,
    );
  });
});

describe('images, prompts, masks and codes', () => {
  const [, ort] = RUNTIMES[0];
  let sam: SamPredictor;
  let tok: SamTok;
  beforeAll(async () => {
    sam = await SamPredictor.create({ ort, ...fixtures().samexporter });
    tok = await SamTok.create({
      ort,
      ...fixtures().samtok,
      quantizer: new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 }),
    });
  });
  afterAll(() => Promise.all([sam.release(), tok.release()]));

  test('predict before setImage is NO_IMAGE', async () => {
    await rejectsWith(sam.predict({ points: [[1, 1]] }), 'NO_IMAGE');
  });

  test('a wrong image buffer length is INVALID_IMAGE, with the sizes', async () => {
    await rejectsWith(
      sam.setImage({ data: new Uint8Array(10), width: 4, height: 4 }),
      'INVALID_IMAGE',
      /has 10 bytes, expected 4×4×3 = 48/,
    );
    await rejectsWith(
      sam.setImage({ data: new Uint8Array(64), width: 4, height: 4 }),
      'INVALID_IMAGE',
      /RGBA\? drop the alpha channel/,
    );
    await rejectsWith(sam.setImage({ data: new Uint8Array(0), width: 0, height: 4 }), 'INVALID_IMAGE');
  });

  test('prompts outside the image or malformed are INVALID_PROMPT, naming the prompt', async () => {
    await sam.setImage(texture(80, 60));
    await rejectsWith(
      sam.predict({ points: [[81, 10]] }),
      'INVALID_PROMPT',
      /points\[0\] = \(81, 10\) is outside the 80×60 image/,
    );
    await rejectsWith(
      sam.predict({
        points: [
          [1, 1],
          [Number.NaN, 2],
        ],
      }),
      'INVALID_PROMPT',
      /points\[1\]/,
    );
    await rejectsWith(
      sam.predict({ points: [[1, 1]], labels: [1, 0] }),
      'INVALID_PROMPT',
      /1 points, 2 labels/,
    );
    await rejectsWith(sam.predict({ points: [[1, 1]], labels: [2] }), 'INVALID_PROMPT', /labels\[0\]/);
    await rejectsWith(sam.predict({ box: [10, 10, 5, 20] }), 'INVALID_PROMPT', /x0 > x1/);
    await rejectsWith(sam.predict({ box: [-1, 0, 5, 20] }), 'INVALID_PROMPT', /outside the 80×60 image/);
    await rejectsWith(sam.predict({}), 'INVALID_PROMPT', /at least one point or a box/);
    await rejectsWith(
      sam.predict({ points: [[1, 1]], maskInput: new Float32Array(5) }),
      'INVALID_PROMPT',
      /256×256/,
    );
  });

  test('SAMTok: empty or mis-sized masks are INVALID_MASK; bad codes and text are INVALID_CODES', async () => {
    const image = texture(32, 32);
    await rejectsWith(
      tok.encode(
        image,
        maskOf(32, 32, () => false),
      ),
      'INVALID_MASK',
      /mask is empty/,
    );
    await rejectsWith(
      tok.encode(
        image,
        maskOf(16, 32, () => true),
      ),
      'INVALID_MASK',
      /16×32 but the image is 32×32/,
    );
    await rejectsWith(tok.decode(image, [99, 0]), 'INVALID_CODES', /\[0, 15\]/);
    await rejectsWith(tok.decode(image, [1]), 'INVALID_CODES', /array of 2 codes/);
    await rejectsWith(tok.decode(image, 'no mask here'), 'INVALID_CODES', /exactly one mask .* found 0/);
    const two =
      '<|mt_start|><|mt_0001|><|mt_0017|><|mt_end|> and <|mt_start|><|mt_0002|><|mt_0017|><|mt_end|>';
    await rejectsWith(tok.decode(image, two), 'INVALID_CODES', /found 2/);
  });

  test('SAMTok: a quantiser of the wrong dimension is INVALID_ARGUMENT', async () => {
    const q = new ResidualQuantizer([new Float32Array(8)], { codebookSize: 1, dim: 8 });
    await rejectsWith(
      SamTok.create({ ort, ...fixtures().samtok, quantizer: q }),
      'INVALID_ARGUMENT',
      /dimension is 8/,
    );
  });

  test('an ort argument that is not onnxruntime is INVALID_ARGUMENT', async () => {
    const f = fixtures().samexporter;
    await rejectsWith(
      SamPredictor.create({ ort: {} as unknown as Ort, ...f }),
      'INVALID_ARGUMENT',
      /onnxruntime-node or onnxruntime-web/,
    );
  });
});
