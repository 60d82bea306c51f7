import { durationRow, type OptionRow } from '../lib/options.js';

/**
 * How long past freshness a stale set may still serve while the key server fails: a remote
 * source's option, and how long a store that expires entries keeps one. @default 86400 (1 day)
 */
export const MAX_STALE: OptionRow<number> = durationRow(86400);

/** A key prefix: a string (Redis, Web Storage). */
export const PREFIX: OptionRow<string> = {
  default: 'tokenward:',
  check(value, caller, name) {
    if (typeof value !== 'string') throw new TypeError(`${caller}: ${name} must be a string`);
    return value;
  },
};

/** A Deno KV key prefix: the key parts before the source's id. */
export const KEY_PARTS: OptionRow<readonly string[]> = {
  default: ['tokenward'],
  check(value, caller, name) {
    if (!Array.isArray(value) || !value.every((part) => typeof part === 'string'))
      throw new TypeError(`${caller}: ${name} must be an array of strings`);
    return [...value];
  },
};
