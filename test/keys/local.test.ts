import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks } from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('l1');
});

describe('localJwks()', () => {
  it('takes one JWK or a set', async () => {
    for (const keys of [localJwks(key.publicJwk), localJwks({ keys: [key.publicJwk] })]) {
      const v = createVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });
      await expect(v.verify(await sign(key))).resolves.toBeTruthy();
    }
  });

  it('refuses a private JWK at once, saying to publish the public key', () => {
    expect(() => localJwks(key.privateJwk)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(() => localJwks({ keys: [key.publicJwk, key.privateJwk] })).toThrow(/-pubout/);
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi'])(
    'refuses a JWK carrying private member %s',
    (member) => {
      expect(() => localJwks({ ...key.publicJwk, [member]: 'AQAB' })).toThrow(
        expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
      );
    },
  );

  it('refuses a symmetric key', () => {
    expect(() => localJwks({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
  });

  it('is not affected by later changes to the object it was given', async () => {
    const jwk = { ...key.publicJwk };
    const v = createVerifier({ keys: localJwks(jwk), issuer: ISSUER, audience: AUDIENCE });
    jwk.n = 'AQAB';
    await expect(v.verify(await sign(key))).resolves.toBeTruthy();
  });
});
