export { rng } from '@seglang/testing';

/** A standard normal sample (Box–Muller). */
export const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
