// Number formatting and Markdown tables, so every section prints the same way.

/** Milliseconds with a precision that suits their size. */
export function ms(value) {
  if (!Number.isFinite(value)) return 'n/a';
  const size = Math.abs(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** "median (p25–p75)" of a summary, in ms. */
export function msSpread(s) {
  return s.n ? `${ms(s.median)} (${ms(s.p25)}–${ms(s.p75)})` : 'n/a';
}

/** "1.03× (0.98–1.07)" of a summary of ratios. */
export function ratioSpread(s) {
  return s.n ? `${s.median.toFixed(2)}× (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})` : 'n/a';
}

/** A Markdown table; cells are converted with String(). */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** "met" or "missed by …" for a target that a measured value must stay under. */
export function verdictUnder(value, limit, unit = 'ms') {
  if (!Number.isFinite(value)) return 'not measured';
  if (value <= limit) return `met (${fmt(value, unit)} ≤ ${fmt(limit, unit)})`;
  const over = value - limit;
  const relative = unit === '%' ? '' : `, ${((value / limit - 1) * 100).toFixed(0)}% over`;
  // A miss that one decimal would print as "5.0% > 5.0%" gets a second one.
  const digits = unit === '%' && over < 0.05 ? 2 : 1;
  return `**missed** by ${fmt(over, unit === '%' ? 'points' : unit, digits)} (${fmt(value, unit, digits)} > ${fmt(limit, unit, digits)}${relative})`;
}

function fmt(value, unit, digits = 1) {
  if (unit === '%') return `${value.toFixed(digits)}%`;
  if (unit === 'points') return `${value.toFixed(digits)} percentage points`;
  return `${ms(value)} ${unit}`;
}
