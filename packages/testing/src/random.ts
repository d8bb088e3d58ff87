/**
 * Mulberry32: a small, fast, deterministic generator for reproducible test data (floats in [0, 1)).
 * `Math.imul` is read once: jest runs tests in a vm context, where every lookup of a global such as
 * `Math` goes through the context's interceptor.
 */
export function rng(seed: number): () => number {
  const imul = Math.imul;
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
