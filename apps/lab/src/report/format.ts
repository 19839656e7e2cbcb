export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
