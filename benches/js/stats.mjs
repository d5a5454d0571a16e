// Figures from measured samples, shared by the benchmark drivers.

/** The `p` quantile (0–1) of `sorted` (ascending): the sample below which that share lies. */
export const percentile = (sorted, p) =>
  (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
