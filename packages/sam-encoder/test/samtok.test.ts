/** SAMTok on the generated fixtures: mask → codes → words → parse → decode, on both runtimes. */
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { SAM_FIXTURE, SAMTOK_SHAPES, samtokCodebooks } from '@seglang/testing';
import { IMAGENET_MEAN, IMAGENET_STD, type Ort, SamTok } from '../src';
import { countingOrt, fixtures, maskOf, RUNTIMES, solid, texture } from './helpers';

const quantizer = () => new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 });

/** A fixture shape (cells of the 16×16 grid) drawn on a width × height mask. */
const shapeMask = (i: number, width: number, height: number) => {
  const [x0, y0, x1, y1] = SAMTOK_SHAPES[i];
  const cw = width / 16;
  const ch = height / 16;
  return maskOf(width, height, (x, y) => x >= x0 * cw && x < x1 * cw && y >= y0 * ch && y < y1 * ch);
};

const open = (ort: Ort) => SamTok.create({ ort, ...fixtures().samtok, quantizer: quantizer() });

describe.each(RUNTIMES)('%s', (_name, ort) => {
  let tok: SamTok;
  beforeAll(async () => {
    tok = await open(ort);
  });
  afterAll(() => tok.release());

  test.each([
    [64, 64],
    [96, 64],
    [48, 80],
  ])(
    'round trip on a %i×%i image: every shape → its code → words → parse → decode → the same mask',
    async (w, h) => {
      const image = texture(w, h);
      const got: { code: number; firstWord: string; same: boolean }[] = [];
      for (let i = 0; i < SAMTOK_SHAPES.length; i++) {
        const mask = shapeMask(i, w, h);
        const { codes, words } = await tok.tokenize(image, mask);
        const back = await tok.decode(image, `The region is ${words}.`);
        got.push({
          code: codes[0],
          firstWord: words.slice(12, 23),
          same: Buffer.from(back.data).equals(Buffer.from(mask.data)),
        });
      }
      expect(got).toEqual(
        SAMTOK_SHAPES.map((_, i) => ({
          code: i,
          firstWord: `<|mt_${String(i).padStart(4, '0')}|>`,
          same: true,
        })),
      );
    },
  );

  test('the embedding is the pooled dense prompt inside the box, plus the image term', async () => {
    const colour: [number, number, number] = [10, 200, 90];
    const m = colour.map((v, c) => (v / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]);
    const shift = SAM_FIXTURE.embedImageWeight * ((86 * m[0] + 85 * m[1] + 85 * m[2]) / 256);
    // Cells 4–7 × 4–7 of a 64×64 mask (pixels 16–31): interior cells pool to 1 exactly,
    // cells outside the box are zeroed whatever the blurred prompt holds there.
    const mask = maskOf(64, 64, (x, y) => x >= 16 && x < 32 && y >= 16 && y < 32);
    const z = await tok.encode(solid(64, 64, colour), mask);
    expect(z).toHaveLength(256);
    expect(z[5 * 16 + 5]).toBeCloseTo(1 + shift, 6);
    expect(z[5 * 16 + 3]).toBeCloseTo(shift, 6); // left of the box, though the prompt is blurred there
    expect(z[0]).toBeCloseTo(shift, 6);
    // A boundary cell inside the box pools the blurred edge: (0.625 + 0.875 + 14·1)/16 along x
    // (u = 64, 65 sample the source at 15.625 and 15.875).
    expect(z[5 * 16 + 4]).toBeCloseTo(15.5 / 16 + shift, 5);
  });

  test('a missing second word decodes from the first level alone; codes and words agree', async () => {
    const image = texture(64, 64);
    const alone = await tok.decode(image, '<|mt_start|><|mt_0003|><|mt_end|>');
    expect(alone).toEqual(shapeMask(3, 64, 64));
    const viaCodes = await tok.decode(image, [3, -1]);
    expect(viaCodes).toEqual(alone);
    const { codes, words } = await tok.tokenize(image, shapeMask(7, 64, 64));
    expect(await tok.decode(image, codes)).toEqual(await tok.decode(image, words));
  });
});

test('the image features are computed once per image and reused', async () => {
  const [, ort] = RUNTIMES[0];
  const counting = countingOrt(ort, 'image');
  const tok = await SamTok.create({ ort: counting.ort, ...fixtures().samtok, quantizer: quantizer() });
  const image = texture(64, 64);
  const { words } = await tok.tokenize(image, shapeMask(1, 64, 64));
  await tok.decode(image, words);
  await tok.tokenize(image, shapeMask(2, 64, 64));
  expect(counting.runs()).toBe(1);
  await tok.tokenize(texture(64, 64), shapeMask(2, 64, 64)); // a new image
  expect(counting.runs()).toBe(2);
  await tok.release();
});

test('the transformers.js image encoder works as the SAMTok image encoder too', async () => {
  const [, ort] = RUNTIMES[0];
  const f = fixtures();
  const a = await SamTok.create({ ort, ...f.samtok, quantizer: quantizer() });
  const b = await SamTok.create({
    ort,
    ...f.samtok,
    imageEncoder: f.transformersJs.encoder,
    quantizer: quantizer(),
  });
  const image = texture(96, 64);
  const mask = shapeMask(9, 96, 64);
  expect(await b.encode(image, mask)).toEqual(await a.encode(image, mask));
  await Promise.all([a.release(), b.release()]);
});

test('onnxruntime-node and onnxruntime-web give identical embeddings, codes and masks', async () => {
  const results = await Promise.all(
    RUNTIMES.map(async ([, ort]) => {
      const tok = await open(ort);
      const image = texture(72, 40);
      const mask = maskOf(72, 40, (x, y) => (x - 30) ** 2 + (y - 20) ** 2 < 150);
      const z = await tok.encode(image, mask);
      const { codes, words } = await tok.tokenize(image, mask);
      const back = await tok.decode(image, words);
      await tok.release();
      return { z: Array.from(z), codes, back };
    }),
  );
  expect(results[1]).toEqual(results[0]);
});
