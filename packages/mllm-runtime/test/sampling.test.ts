import { argmax, Sampler } from '@seglang/mllm-runtime';

describe('Sampler', () => {
  it('repetition penalty divides positive and multiplies negative logits of seen ids, once each', () => {
    const logits = Float32Array.of(2, -2, 1, 4);
    new Sampler({ repetitionPenalty: 2 }).penalize(logits, [0, 1, 1, 0]);
    expect(Array.from(logits)).toEqual([1, -4, 1, 4]);
  });

  it('top-p keeps the smallest set reaching p: with p = 0.5 only the best of (0.6, 0.3, 0.1) is ever drawn', () => {
    const logits = Float32Array.from([0.6, 0.3, 0.1].map(Math.log));
    const s = new Sampler({ temperature: 1, topP: 0.5, seed: 3 });
    for (let i = 0; i < 200; i++) expect(s.pick(logits)).toBe(0);
    const s2 = new Sampler({ temperature: 1, topP: 0.85, seed: 3 });
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) seen.add(s2.pick(logits));
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('draws in proportion to softmax(logits / T)', () => {
    const logits = Float32Array.from([0.5, 0.25, 0.25].map(Math.log));
    const s = new Sampler({ temperature: 1, seed: 11 });
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[s.pick(logits)]++;
    expect(counts[0] / 20000).toBeCloseTo(0.5, 1);
    expect(counts[1] / 20000).toBeCloseTo(0.25, 1);
  });

  it('greedy and constrained picks', () => {
    expect(argmax(Float32Array.of(1, 5, 5, 2))).toBe(1);
    expect(argmax(Float32Array.of(1, 5, 5, 2), Int32Array.of(3, 0))).toBe(3);
    expect(new Sampler().pick(Float32Array.of(1, 2), new Int32Array(0))).toBe(-1);
  });
});
