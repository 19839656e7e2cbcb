/** The sum of a metric's samples whose labels match `labels` (every label of the model). */
export function sumOf(text: string, name: string, labels: string[] = []): number {
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\d+)`, 'gm'))]
    .filter((m) => labels.every((l) => m[1]?.includes(l)))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}
