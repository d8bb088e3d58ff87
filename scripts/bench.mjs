// Timing helpers shared by the packages' bench scripts.

/** The fastest of `rounds` runs of `fn`, in milliseconds. */
export function bestMs(fn, rounds = 3) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}
