/** Values of one metric in Prometheus text exposition, one per series (labels ignored). */
export function metricValues(text: string, name: string): number[] {
  const values: number[] = [];
  const prefix = `${name}{`;
  const bare = `${name} `;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix) && !line.startsWith(bare)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) values.push(value);
  }
  return values;
}

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
