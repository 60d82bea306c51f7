/**
 * A duration: a number of seconds, or a string with one unit: `'30s'`, `'10m'`, `'1h'`, `'1d'`.
 */
export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const PATTERN = /^(-?\d+(?:\.\d+)?)(s|m|h|d)$/;

/**
 * Turns a {@link Duration} into seconds, or throws a TypeError naming the option.
 * Negative values are refused unless `allowNegative` (only `clockSkew` may be negative).
 */
export function toSeconds(value: unknown, option: string, allowNegative = false): number {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = PATTERN.exec(value.trim());
    if (match) seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  }
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new TypeError(
      `${option} must be a number of seconds or a string such as '30s', '10m', '1h', '1d'`,
    );
  }
  if (seconds < 0 && !allowNegative) throw new TypeError(`${option} must not be negative`);
  return seconds;
}
