// Order statistics for repeated rounds: a median with its spread says more than a mean on a
// shared 2-core machine, where one slow outlier is the rule rather than the exception.

/** The q-quantile (0..1) of values, linearly interpolated between the closest ranks. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export const median = (values) => quantile(values, 0.5);

/** n, median, p25, p75, min and max of values. */
export function summarize(values) {
  return {
    n: values.length,
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Per-round ratios a[i] / b[i] of two series measured in the same rounds. */
export function ratios(a, b) {
  return a.map((x, i) => x / b[i]);
}

/**
 * A distribution-free confidence interval for the median (default 95%): the order statistics
 * x(k) and x(n+1-k), with k the largest rank such that fewer than k of n fair coin flips come up
 * heads with probability at most (1 - confidence) / 2. How far the median itself could move
 * between runs, which p25–p75 (the spread of single rounds) does not say.
 */
export function medianInterval(values, confidence = 0.95) {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  let k = 0;
  let below = 0; // P(heads < k + 1), built up term by term
  let term = 0.5 ** n; // P(heads = 0)
  for (let j = 0; j < n; j++) {
    below += term;
    if (below > tail) break;
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
  }
  if (k === 0) return { low: Number.NaN, high: Number.NaN };
  return { low: sorted[k - 1], high: sorted[n - k] };
}
