/**
 * Nearest codeword by squared Euclidean distance, the hot loop of encoding and training.
 * Scores use ‖c‖² − 2·r·c (four codewords per pass over r); when the best two scores are closer
 * than rounding could explain, the candidates are re-ranked by the exact Σ(r − c)², so the result
 * always equals a brute-force search (ties go to the lowest index).
 */
export function nearestCode(
  codebook: Float32Array,
  norms: Float64Array,
  k: number,
  d: number,
  r: Float64Array,
  rOffset: number,
): number {
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  let second = Number.POSITIVE_INFINITY;
  let c = 0;
  for (; c + 3 < k; c += 4) {
    const o0 = c * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < d; i++) {
      const v = r[rOffset + i];
      s0 += v * codebook[o0 + i];
      s1 += v * codebook[o1 + i];
      s2 += v * codebook[o2 + i];
      s3 += v * codebook[o3 + i];
    }
    const scores = [norms[c] - 2 * s0, norms[c + 1] - 2 * s1, norms[c + 2] - 2 * s2, norms[c + 3] - 2 * s3];
    for (let q = 0; q < 4; q++) {
      const s = scores[q];
      if (s < bestScore) {
        second = bestScore;
        bestScore = s;
        best = c + q;
      } else if (s < second) second = s;
    }
  }
  for (; c < k; c++) {
    const o = c * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += r[rOffset + i] * codebook[o + i];
    const score = norms[c] - 2 * s;
    if (score < bestScore) {
      second = bestScore;
      bestScore = score;
      best = c;
    } else if (score < second) second = score;
  }
  let rr = 0;
  for (let i = 0; i < d; i++) rr += r[rOffset + i] * r[rOffset + i];
  const tolerance = 1e-9 * (Math.abs(bestScore) + rr + 1);
  if (second - bestScore > tolerance) return best;
  // Near-tie: settle it with exact distances.
  let exactBest = -1;
  let exactDist = Number.POSITIVE_INFINITY;
  for (let q = 0; q < k; q++) {
    const o = q * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += r[rOffset + i] * codebook[o + i];
    if (norms[q] - 2 * s > bestScore + tolerance) continue;
    let dist = 0;
    for (let i = 0; i < d; i++) {
      const diff = r[rOffset + i] - codebook[o + i];
      dist += diff * diff;
    }
    if (dist < exactDist) {
      exactDist = dist;
      exactBest = q;
    }
  }
  return exactBest;
}

/** ‖c‖² of every codeword. */
export function codewordNorms(codebook: Float32Array, k: number, d: number): Float64Array {
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += codebook[c * d + i] * codebook[c * d + i];
    norms[c] = s;
  }
  return norms;
}
