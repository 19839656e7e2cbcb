/** Fixed decimals, for table cells. */
export const fixed = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

/** An integer with thousands separators: 1,234,567. */
export const int = (value: number): string => Math.round(value).toLocaleString('en-US');

/** A ratio: 1.93×. */
export const times = (value: number): string => `${fixed(value, 2)}×`;

/** A byte size in binary units, as the guide's sizes are given: 1 KiB, 64 MiB. */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[unit]}`;
}
