import { didYouMean } from './did-you-mean.js';
import { toSeconds } from './duration.js';

/**
 * One option of a function: its check, and its default written here once. Tables of rows live
 * with what they configure (verify/options.ts, keys/source.ts, stores/options.ts).
 */
export interface OptionRow<T> {
  /** The value when the option is absent. */
  readonly default?: T;
  /** Absent is a mistake: the check is called with undefined, to say what to pass. */
  readonly required?: true;
  /** Makes the value when the option is absent, fresh per call (a store, the platform's crypto). */
  readonly make?: (caller: string) => T;
  /** The value in the unit the code uses; throws a TypeError that starts with `caller`. */
  check(value: unknown, caller: string, name: string): T;
}

/** The options object, or a TypeError naming the function that was called. */
export function optionsObject(given: unknown, caller: string): Record<string, unknown> {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new TypeError(`${caller}(options) needs an options object`);
  return given as Record<string, unknown>;
}

/** Refuses every option `accepted` lacks, suggesting the closest accepted name. */
export function refuseUnknown(
  given: object,
  accepted: readonly string[] | ReadonlySet<string>,
  caller: string,
): void {
  const known = new Set(accepted);
  for (const name of Object.keys(given)) {
    if (!known.has(name))
      throw new TypeError(`${caller}: unknown option "${name}"${didYouMean(name, known)}`);
  }
}

/** A row's checked value, or its default when the option is absent (undefined). */
export function readOption<T>(
  row: OptionRow<T>,
  value: unknown,
  caller: string,
  name: string,
): T | undefined {
  if (value !== undefined || row.required) return row.check(value, caller, name);
  return row.make === undefined ? row.default : row.make(caller);
}

/** Seconds, from a number of seconds or a string such as '30s'; never negative. */
export const durationRow = (fallback?: number): OptionRow<number> => ({
  ...(fallback === undefined ? {} : { default: fallback }),
  check: (value, caller, name) => toSeconds(value, `${caller}: ${name}`),
});

/** A function (a clock, a listener). */
export const functionRow = <F>(what: string, fallback?: F): OptionRow<F> => ({
  ...(fallback === undefined ? {} : { default: fallback }),
  check(value, caller, name) {
    if (typeof value !== 'function') throw new TypeError(`${caller}: ${name} must be ${what}`);
    return value as F;
  },
});

type Values<T> = { [K in keyof T]: T[K] extends OptionRow<infer V> ? V | undefined : never };

/**
 * Reads a whole options object by its table: not an object, an unknown name (with "did you
 * mean") and a bad value are TypeErrors that start with `caller`; absent options take their
 * row's default.
 */
export function readTable<T extends Record<string, OptionRow<unknown>>>(
  given: unknown,
  rows: T,
  caller: string,
): Values<T> {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new TypeError(`${caller}: options must be an object`);
  const names = Object.keys(rows);
  refuseUnknown(given, names, caller);
  const values: Record<string, unknown> = {};
  for (const name of names)
    values[name] = readOption(rows[name]!, (given as Record<string, unknown>)[name], caller, name);
  return values as Values<T>;
}
