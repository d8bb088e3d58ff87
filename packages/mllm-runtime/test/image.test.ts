import {
  imageProcessorConfig,
  processImage,
  RuntimeError,
  resizeBicubic,
  roundHalfEven,
  smartResize,
} from '@seglang/mllm-runtime';
import fc from 'fast-check';
import { f32, loadGolden, u8 } from './helpers';

describe('smartResize', () => {
  it.each(loadGolden().smartResize.map((c) => [`${c.height}×${c.width} /${c.factor}`, c] as const))(
    'equals the reference smart_resize for %s',
    (_, c) => {
      expect(smartResize(c.height, c.width, c.factor, c.minPixels, c.maxPixels)).toEqual(c.resized);
    },
  );

  it('rounds half to even as Python does (70 → 56, where Math.round gives 84)', () => {
    expect(smartResize(70, 70, 28, 3136, 1e9)).toEqual([56, 56]);
    expect(Math.round(70 / 28) * 28).toBe(84);
    expect([0.5, 1.5, 2.5, 3.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, 2, 3]);
  });

  it('keeps every result a multiple of the factor within the pixel budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 28, max: 5000 }), fc.integer({ min: 28, max: 5000 }), (h, w) => {
        fc.pre(Math.max(h, w) / Math.min(h, w) <= 200);
        const [rh, rw] = smartResize(h, w, 28, 3136, 1003520);
        return rh % 28 === 0 && rw % 28 === 0 && rh * rw <= 1003520 && rh * rw >= 3136;
      }),
    );
  });

  it('refuses an aspect ratio over 200, as the reference does', () => {
    expect(() => smartResize(1, 201)).toThrow(RuntimeError);
    expect(() => smartResize(1, 201)).toThrow(/aspect ratio/);
  });
});

describe('processImage', () => {
  it.each(loadGolden().imageProcessor.map((c) => [c.name, c] as const))(
    'equals the reference Qwen2VLImageProcessor bit for bit: %s',
    (_, c) => {
      const cfg = imageProcessorConfig(c.config);
      const out = processImage({ width: c.width, height: c.height, data: u8(c.rgb) }, cfg);
      expect(out.gridThw).toEqual(c.gridThw);
      expect(out.shape).toEqual(c.shape);
      const want = f32(c.pixelValues);
      expect(out.pixelValues.length).toBe(want.length);
      let diff = 0;
      for (let i = 0; i < want.length; i++) if (out.pixelValues[i] !== want[i]) diff++;
      expect(diff).toBe(0);
    },
  );

  it('refuses malformed images', () => {
    expect(() => processImage({ width: 2, height: 2, data: new Uint8Array(5) })).toThrow(/expected 2×2×3/);
    expect(() => processImage({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow(RuntimeError);
  });
});

describe('resizeBicubic', () => {
  it('keeps a constant image constant at any size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 255 }),
        (w, h, ow, oh, v) => {
          const out = resizeBicubic({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) }, ow, oh);
          return out.data.length === ow * oh * 3 && out.data.every((x) => x === v);
        },
      ),
    );
  });
});
