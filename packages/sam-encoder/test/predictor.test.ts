/** SAM2 prompting end to end on the generated fixtures, both layouts, both runtimes. */
import { maskIou, polygonOrientation, polygonsToMask } from '@seglang/contour';
import { SAM_FIXTURE } from '@seglang/testing';
import { boxesToPolygons, IMAGENET_MEAN, IMAGENET_STD, type SamLayout, SamPredictor } from '../src';
import { countingOrt, fixtures, RUNTIMES, solid, texture } from './helpers';

const W = 80;
const H = 60;
const COLOUR: [number, number, number] = [200, 120, 40];

/** mean(image_embed) for a solid image: channel c copies image channel c % 3 (86, 85, 85 channels). */
const embedMean = () => {
  const m = COLOUR.map((v, c) => (v / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]);
  return (86 * m[0] + 85 * m[1] + 85 * m[2]) / 256;
};

/**
 * The fixture's logits at a pixel: 1 − d²/r², d measured in the 1024 frame from the prompt centre
 * (cx, cy) given in image pixels.
 */
const analytic = (x: number, y: number, cx: number, cy: number, r: number) => {
  const dx = ((x + 0.5) * 1024) / W - (cx * 1024) / W;
  const dy = ((y + 0.5) * 1024) / H - (cy * 1024) / H;
  return 1 - (dx * dx + dy * dy) / (r * r);
};

/** Pixels the analytic logits classify with a margin (bilinear interpolation error ≤ 8/r² < 0.002). */
function disagreements(mask: { data: Uint8Array }, cx: number, cy: number, r: number): number {
  let bad = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const a = analytic(x, y, cx, cy, r);
      if (Math.abs(a) < 0.01) continue;
      if ((a > 0 ? 1 : 0) !== mask.data[y * W + x]) bad++;
    }
  return bad;
}

const paths = (layout: SamLayout) => {
  const f = fixtures();
  return layout === 'samexporter' ? f.samexporter : f.transformersJs;
};

const LAYOUTS: SamLayout[] = ['samexporter', 'transformers-js'];

describe.each(RUNTIMES)('%s', (_name, ort) => {
  describe.each(LAYOUTS)('%s layout', (layout) => {
    let sam: SamPredictor;
    beforeAll(async () => {
      const { encoder, decoder } = paths(layout);
      sam = await SamPredictor.create({ ort, encoder, decoder });
      expect(sam.layout).toBe(layout); // detected from the encoder's inputs
      await sam.setImage(solid(W, H, COLOUR));
    });
    afterAll(() => sam.release());

    test('a point gives three discs around it, with the scores the decoder computes from the image', async () => {
      const { masks, scores, logits } = await sam.predict({ points: [[30, 20]] });
      expect(masks).toHaveLength(3);
      expect(logits[0]).toHaveLength(256 * 256);
      masks.forEach((m, k) => {
        expect([m.width, m.height]).toEqual([W, H]);
        expect(disagreements(m, 30, 20, SAM_FIXTURE.radii[k])).toBe(0);
      });
      // Radius 64 in the 1024 frame is 5 pixels across at 80 px wide: a small, non-empty disc.
      expect(masks[0].data.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
      scores.forEach((s, k) => {
        expect(s).toBeCloseTo(SAM_FIXTURE.iouBase[k] + SAM_FIXTURE.iouImageWeight * embedMean(), 5);
      });
    });

    test('a box prompt is centred on the box; foreground and background points average', async () => {
      const box = await sam.predict({ box: [10, 10, 50, 40] });
      expect(disagreements(box.masks[1], 30, 25, SAM_FIXTURE.radii[1])).toBe(0);
      const two = await sam.predict({
        points: [
          [10, 10],
          [50, 30],
        ],
        labels: [1, 0],
      });
      expect(disagreements(two.masks[2], 30, 20, SAM_FIXTURE.radii[2])).toBe(0);
      const both = await sam.predict({ points: [[70, 10]], box: [10, 10, 50, 40] });
      // samexporter: mean of the point and the two corners; transformers.js: of the point and the box centre.
      const [cx, cy] = layout === 'samexporter' ? [130 / 3, 20] : [50, 17.5];
      expect(disagreements(both.masks[2], cx, cy, SAM_FIXTURE.radii[2])).toBe(0);
    });

    test('multimask: false keeps the mask with the best predicted IoU', async () => {
      const { masks, scores } = await sam.predict({ points: [[40, 30]], multimask: false });
      expect(masks).toHaveLength(1);
      expect(scores[0]).toBeCloseTo(0.9 + SAM_FIXTURE.iouImageWeight * embedMean(), 5);
      expect(disagreements(masks[0], 40, 30, SAM_FIXTURE.radii[1])).toBe(0);
    });

    test('boxesToPolygons: box → best mask → one polygon per box, in OpenCV’s order', async () => {
      const image = solid(W, H, COLOUR);
      const polys = await boxesToPolygons(sam, image, [
        [10, 10, 50, 40],
        [40, 20, 70, 50],
      ]);
      expect(polys).toHaveLength(2);
      const [first] = (await sam.predict({ box: [10, 10, 50, 40], multimask: false })).masks;
      for (const p of polys) {
        expect(p).toHaveLength(1);
        expect(polygonOrientation(p[0])).toBe('counter-clockwise');
      }
      // The simpleseg preset (pixel-centre polygons, normalised) loses half a pixel around the edge …
      expect(maskIou(polygonsToMask(polys[0], W, H, { normalized: true }), first)).toBeGreaterThan(0.8);
      // … pixel-edge polygons without simplification give the mask back exactly.
      const exact = await boxesToPolygons(sam, image, [[10, 10, 50, 40]], {
        boundary: 'pixel-edges',
        epsilon: 0,
        normalize: false,
      });
      expect(polygonsToMask(exact[0], W, H)).toEqual(first);
    });
    test('bad options are refused before any model runs', async () => {
      const image = solid(W, H, COLOUR);
      await expect(boxesToPolygons(sam, image, [], { epsilon: -1 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/options\.epsilon/),
      });
      await sam.setImage(image);
      await expect(sam.predict({ points: [[10, 10]], multimask: 'no' as never })).rejects.toMatchObject({
        code: 'INVALID_PROMPT',
        message: 'multimask must be true or false, got no',
      });
    });
  });

  test('samexporter: mask_input is added to the logits when given', async () => {
    const { encoder, decoder } = fixtures().samexporter;
    const sam = await SamPredictor.create({ ort, encoder, decoder, layout: 'samexporter' });
    await sam.setImage(texture(W, H));
    const plain = await sam.predict({ points: [[30, 20]] });
    const refined = await sam.predict({
      points: [[30, 20]],
      maskInput: new Float32Array(256 * 256).fill(1000),
    });
    expect(refined.masks[0].data.every((v) => v === 1)).toBe(true);
    expect(plain.masks[0].data.some((v) => v === 0)).toBe(true);
    expect(Array.from(refined.logits[0].subarray(0, 4))).toEqual(
      Array.from(plain.logits[0].subarray(0, 4), (v) => Math.fround(v + 1000)),
    );
    await sam.release();
  });

  test('the image is encoded once and reused across prompts', async () => {
    const counting = countingOrt(ort, 'image');
    const sam = await SamPredictor.create({ ort: counting.ort, ...fixtures().samexporter });
    await sam.setImage(texture(W, H));
    for (const p of [
      [1, 1],
      [40, 30],
      [79, 59],
    ] as [number, number][])
      await sam.predict({ points: [p] });
    expect(counting.runs()).toBe(1);
    await sam.release();
  });
});

test('onnxruntime-node and onnxruntime-web give identical masks and scores', async () => {
  const results = await Promise.all(
    RUNTIMES.map(async ([, ort]) => {
      const out = [];
      for (const layout of LAYOUTS) {
        const sam = await SamPredictor.create({ ort, ...paths(layout) });
        await sam.setImage(texture(W, H));
        out.push(await sam.predict({ points: [[12.5, 40.25]], box: [5, 5, 60, 55] }));
        out.push(
          await sam.predict({
            points: [
              [70, 3],
              [2, 50],
            ],
            labels: [1, 0],
          }),
        );
        await sam.release();
      }
      return out;
    }),
  );
  expect(results[1]).toEqual(results[0]);
});
