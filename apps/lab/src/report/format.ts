export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
/** A figure that may be missing (null: not measured), as `—` then. */
export const fixedOrDash = (value: number | null, digits = 1): string =>
  value === null ? '—' : fixed(value, digits);
