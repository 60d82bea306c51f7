import { describe, expect, it } from 'vitest';
import { isVerificationError } from '../../src/index.js';
import { assertHeader } from '../../src/token/header.js';

function refusal(header: Record<string, unknown>): string {
  try {
    assertHeader(header);
  } catch (error) {
    expect(isVerificationError(error) && error.code).toBe('ERR_TOKEN_MALFORMED');
    return (error as Error).message;
  }
  return 'accepted';
}

describe('assertHeader: the JOSE header rules', () => {
  it('accepts a plain header, b64: true, and crit naming b64', () => {
    expect(refusal({ alg: 'RS256', kid: 'k', typ: 'JWT' })).toBe('accepted');
    expect(refusal({ alg: 'RS256', b64: true })).toBe('accepted');
    expect(refusal({ alg: 'RS256', b64: true, crit: ['b64'] })).toBe('accepted');
  });

  it.each([
    [{ kid: 'k' }, /no "alg"/],
    [{ alg: '' }, /no "alg"/],
    [{ alg: 'RS256', kid: 7 }, /"kid" must be a string/],
    [{ alg: 'RS256', x5c: 'abc' }, /"x5c" must be an array/],
    [{ alg: 'RS256', jwk: 'abc' }, /"jwk" must be an object/],
    [{ alg: 'RS256', crit: [] }, /"crit" must be a non-empty array/],
    [{ alg: 'RS256', crit: [''] }, /"crit" must be a non-empty array/],
    [
      { alg: 'RS256', crit: ['exp'], exp: 1 },
      /marks "exp" critical, which tokenward does not understand/,
    ],
    [{ alg: 'RS256', crit: ['b64'] }, /lists "b64" in "crit" but does not set it/],
    [{ alg: 'RS256', crit: ['b64', 'b64'], b64: true }, /twice/],
    [{ alg: 'RS256', b64: false, crit: ['b64'] }, /"b64": false/],
    [{ alg: 'RS256', b64: 'yes' }, /"b64": false/],
    [{ alg: 'RS256', zip: 'DEF' }, /"zip"/],
  ])('refuses %j', (header, message) => {
    expect(refusal(header)).toMatch(message);
  });
});
