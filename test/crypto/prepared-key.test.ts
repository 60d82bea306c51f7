import { describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { isVerificationError } from '../../src/index.js';
import { prepareKey } from '../../src/crypto/prepared-key.js';
import { webCrypto, type WebCryptoKey } from '../../src/crypto/webcrypto.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { makeKey } from '../helpers/keys.js';

const provider = webCrypto as SignatureProvider;

describe('prepareKey: WebCrypto parameters worked out once per key, at import', () => {
  it.each([
    ['RS256', { name: 'RSASSA-PKCS1-v1_5' }, 256],
    ['PS384', { name: 'RSA-PSS', saltLength: 48 }, 256],
    ['ES256', { name: 'ECDSA', hash: 'SHA-256' }, 64],
    ['ES384', { name: 'ECDSA', hash: 'SHA-384' }, 96],
    ['EdDSA', { name: 'Ed25519' }, 64],
  ])('%s: parameters %j, signatures of %i bytes', async (alg, params, length) => {
    const key = await makeKey(`prep-${alg}`, alg);
    const prepared = (await prepareKey(provider, key.publicJwk as PublicJwk, alg))
      .key as WebCryptoKey;
    expect(prepared.params).toEqual(params);
    expect(prepared.signatureLength).toBe(length);
    expect(prepared.key.extractable).toBe(false);
    expect(prepared.key.usages).toEqual(['verify']);
  });

  it('imports once: the second call returns the same key, without a promise', async () => {
    const key = await makeKey('prep-once');
    const jwk = key.publicJwk as PublicJwk;
    const first = await prepareKey(provider, jwk, 'RS256');
    const second = prepareKey(provider, jwk, 'RS256');
    expect(second).toBe(first);
  });

  it('refuses key material WebCrypto cannot use with ERR_KEY_INVALID', async () => {
    const key = await makeKey('prep-bad', 'ES256');
    const offCurve = { ...(key.publicJwk as PublicJwk), y: key.publicJwk.x! };
    const error = await Promise.resolve(prepareKey(provider, offCurve, 'ES256')).catch(
      (e: unknown) => e,
    );
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
  });
});
