// Plot data as CSV for the export buttons: one header line, then rows; numbers written in full
// precision (String(v) round-trips a float64).

export type CsvColumn = { name: string; values: ArrayLike<number> };

/** Columns of equal length side by side. */
export function columnsToCsv(columns: CsvColumn[]): string {
  const n = columns.reduce((m, c) => Math.max(m, c.values.length), 0);
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (let i = 0; i < n; i++) {
    lines.push(columns.map((c) => (i < c.values.length ? String(c.values[i]) : '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A row-major matrix (width x height) as `x,y,value` rows, zeros left out (maps are sparse). */
export function matrixToCsv(
  values: ArrayLike<number>,
  width: number,
  height: number,
  names = ['x', 'y', 'value'],
): string {
  const lines = [names.map(quote).join(',')];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      if (v !== 0) lines.push(`${x},${y},${v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function quote(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
