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
