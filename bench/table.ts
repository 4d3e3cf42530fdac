/** A plain-text table: first column left-aligned, the others right-aligned (they hold numbers). */
export function formatTable(headers: string[], rows: string[][], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(headers), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const formatRate = (x: number): string => grouped.format(x);
export function formatRatio(x: number | undefined): string {
  if (x === undefined) return '—';
  return `${x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`;
}
export const formatPercent = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;

/** `12,300 (12,100–12,500)`: the median and the range over the rounds. */
export function formatWithRange(median: number, values: number[]): string {
  if (values.length < 2) return formatRate(median);
  return `${formatRate(median)} (${formatRate(Math.min(...values))}–${formatRate(Math.max(...values))})`;
}
