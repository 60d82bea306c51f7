import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks } from '../../src/index.js';
import { refusal } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

let key: TestKey;
let weak: TestKey;

beforeAll(async () => {
  [key, weak] = await Promise.all([makeKey('real'), makeKey('weak', 'RS256', 1024)]);
});

describe('key resolution: a kid is data, never an object member', () => {
  it.each([
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
  ])('a token with kid %j is an unknown kid like any other', async (kid) => {
    const verifier = createVerifier({
      keys: localJwks({ keys: [key.publicJwk, weak.publicJwk] }), // a refused key too
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const error = await refusal(verifier.verify(await sign(key, {}, { kid })));
    expect(error.code).toBe('ERR_KEY_NOT_FOUND');
    expect(error.message).not.toMatch(/native code|function/);
  });

  it('still explains a kid refused for a reason', async () => {
    const verifier = createVerifier({
      keys: localJwks({ keys: [key.publicJwk, weak.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const error = await refusal(verifier.verify(await sign(key, {}, { kid: 'weak' })));
    expect([error.code, error.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringMatching(/1024-bit RSA key/),
    ]);
  });

  it('quotes no more than a short piece of a long kid', async () => {
    const verifier = createVerifier({
      keys: localJwks({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const error = await refusal(verifier.verify(await sign(key, {}, { kid: 'x'.repeat(5000) })));
    expect(error.message.length).toBeLessThan(400);
  });
});
