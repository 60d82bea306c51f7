import { describe, expect, it } from 'vitest';
import { isVerificationError } from '../../src/index.js';
import { decodeToken, deepFreeze, MAX_TOKEN_LENGTH, parseToken } from '../../src/token/compact.js';
import { b64url, makeKey, sign } from '../helpers/keys.js';

function malformedMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isVerificationError(error) && error.code).toBe('ERR_TOKEN_MALFORMED');
    return (error as Error).message;
  }
  throw new Error('expected ERR_TOKEN_MALFORMED');
}

describe('decodeToken: split and decode once', () => {
  it('gives the header, payload bytes, signing input and signature of a real token', async () => {
    const key = await makeKey('compact');
    const token = await sign(key, { sub: 'alice' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const decoded = decodeToken(token);
    expect(decoded.header).toMatchObject({ alg: 'RS256', kid: 'compact' });
    expect(JSON.parse(Buffer.from(decoded.payloadBytes).toString())).toMatchObject({
      sub: 'alice',
    });
    expect(Buffer.from(decoded.signingInput).toString()).toBe(`${h}.${p}`);
    expect(Buffer.from(decoded.signature)).toEqual(Buffer.from(s, 'base64url'));
  });

  it('shares one frozen header between tokens that spell it the same', async () => {
    const key = await makeKey('shared-header');
    const [a, b] = [await sign(key, { sub: 'a' }), await sign(key, { sub: 'b' })];
    const first = decodeToken(a).header;
    expect(decodeToken(b).header).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // decode() hands out a copy the caller may change.
    expect(Object.isFrozen(parseToken(a).header)).toBe(false);
  });

  it.each([
    ['an empty header part', `.${b64url({})}.sig`, /header part is empty/],
    ['an empty payload part', `${b64url({ alg: 'RS256' })}..sig`, /payload part is empty/],
    ['two parts', `${b64url({ alg: 'RS256' })}.${b64url({})}`, /2 part\(s\)/],
    ['five parts (a JWE)', 'a.b.c.d.e', /encrypted JWE/],
    [
      'a padded signature',
      `${b64url({ alg: 'RS256' })}.${b64url({})}.c2ln` + '=',
      /signature is not canonical/,
    ],
    ['a payload with "+"', `${b64url({ alg: 'RS256' })}.ab+c.sig`, /payload is not canonical/],
    [
      'a header that is not JSON',
      `${Buffer.from('{x').toString('base64url')}.e30.sig`,
      /header is not base64url-encoded JSON/,
    ],
    ['a header that is an array', `${b64url([1])}.e30.sig`, /header must be a JSON object/],
  ])('refuses %s, saying what is wrong', (_, token, message) => {
    expect(malformedMessage(() => decodeToken(token))).toMatch(message);
  });

  it('refuses what is not a string, and tokens over 16 KiB, before decoding', () => {
    expect(malformedMessage(() => decodeToken(42))).toMatch(/got number/);
    expect(malformedMessage(() => decodeToken(''))).toMatch(/empty/);
    const huge = `${b64url({ alg: 'RS256' })}.${'a'.repeat(MAX_TOKEN_LENGTH)}.sig`;
    expect(malformedMessage(() => decodeToken(huge))).toMatch(/over 16 KiB/);
  });

  it('parses the payload only for parseToken (decode), never for the signature check', () => {
    const token = `${b64url({ alg: 'RS256' })}.${Buffer.from('not json').toString('base64url')}.c2ln`;
    expect(() => decodeToken(token)).not.toThrow();
    expect(malformedMessage(() => parseToken(token))).toMatch(
      /payload is not base64url-encoded JSON/,
    );
  });
});

describe('deepFreeze', () => {
  it('freezes a JSON value all the way down, arrays and nested objects included', () => {
    const value = deepFreeze({ a: 1, list: [{ deep: { x: [1] } }, 'text'], nothing: null });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(Object.isFrozen((value.list[0] as { deep: object }).deep)).toBe(true);
    expect(Object.isFrozen((value.list[0] as { deep: { x: number[] } }).deep.x)).toBe(true);
  });
});

describe('decodeToken: one buffer for the decoded parts', () => {
  it('gives each part its own bytes, exactly, however the tokens before it were sized', async () => {
    const key = await makeKey('compact-one-buffer');
    for (const size of [0, 1, 2, 3, 500, 5000]) {
      const token = await sign(key, { sub: 'x'.repeat(size) });
      const [h, p, s] = token.split('.') as [string, string, string];
      const decoded = decodeToken(token);
      expect(Buffer.from(decoded.signingInput).toString('latin1')).toBe(`${h}.${p}`);
      expect(Buffer.from(decoded.payloadBytes)).toEqual(Buffer.from(p, 'base64url'));
      expect(Buffer.from(decoded.signature)).toEqual(Buffer.from(s, 'base64url'));
    }
  });
});
