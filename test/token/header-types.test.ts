import { describe, expect, it } from 'vitest';
import { decode, isVerificationError } from '../../src/index.js';
import { b64url } from '../helpers/keys.js';

// Header parameters of the wrong type are malformed input (src/token/header.ts), seen through
// decode(). Each case names the mutant it kills.

const withHeader = (header: Record<string, unknown>) =>
  `${b64url({ alg: 'RS256', ...header })}.${b64url({ sub: 'a' })}.c2ln`;
const outcome = (header: Record<string, unknown>): string => {
  try {
    decode(withHeader(header));
    return 'accepted';
  } catch (error) {
    return isVerificationError(error) ? error.code : String(error);
  }
};

describe('header parameters have their RFC 7515 types', () => {
  // Kills `header.jwk === null` dropped from the jwk rule (typeof null is 'object').
  it.each([null, 'key', 42, true])('refuses jwk: %j', (jwk) => {
    expect(outcome({ jwk })).toBe('ERR_TOKEN_MALFORMED');
  });

  // Kills isStringArray's element test removed, and the Array.isArray test removed.
  it.each([[[1]], [['MIIB', 2]], [[null]], [[{}]], [{ 0: 'MIIB', length: 1 }], ['MIIB']])(
    'refuses x5c: %j',
    (x5c) => {
      expect(outcome({ x5c })).toBe('ERR_TOKEN_MALFORMED');
    },
  );

  it('accepts jwk and x5c of the right type (never used as keys: that is the resolver)', () => {
    expect(outcome({ jwk: { kty: 'EC' }, x5c: ['MIIB', 'MIIC'] })).toBe('accepted');
    expect(outcome({ x5c: [] })).toBe('accepted');
  });

  // Kills any one name dropped from the string parameters.
  it.each(['kid', 'typ', 'cty', 'jku', 'x5u', 'x5t', 'x5t#S256'])(
    'refuses a %s that is not a string',
    (name) => {
      expect(outcome({ [name]: 1 })).toBe('ERR_TOKEN_MALFORMED');
      expect(outcome({ [name]: 'text' })).toBe('accepted');
    },
  );

  // Kills `crit` values other than arrays of strings getting past the crit rule.
  it.each([['b64'], [[1]], [{ 0: 'b64', length: 1 }]])('refuses crit: %j', (crit) => {
    expect(outcome({ crit, b64: true })).toBe('ERR_TOKEN_MALFORMED');
  });
});
