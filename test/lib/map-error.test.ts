import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VerificationError } from '../../src/index.js';
import { fetchFailed, keyImportFailed, signatureCheckFailed } from '../../src/lib/map-error.js';

const domError = (name: string) => new DOMException('platform says no', name);

describe('errors mapped in one place', () => {
  it('maps key import failures to ERR_KEY_INVALID, or ERR_ALG_UNSUPPORTED where the runtime lacks the algorithm', () => {
    expect(keyImportFailed(new TypeError('bad key'), 'RS256').code).toBe('ERR_KEY_INVALID');
    expect(keyImportFailed(domError('DataError'), 'ES256').code).toBe('ERR_KEY_INVALID');
    // What crypto.subtle.importKey throws for key_ops ["sign", "verify"] on a public key.
    expect(keyImportFailed(domError('SyntaxError'), 'RS256').code).toBe('ERR_KEY_INVALID');
    expect(
      keyImportFailed(Object.assign(new Error('x'), { code: 'ERR_JWK_INVALID' }), 'RS256').code,
    ).toBe('ERR_KEY_INVALID');
    const unsupported = keyImportFailed(domError('NotSupportedError'), 'ML-DSA-44', 'node:crypto');
    expect([unsupported.code, unsupported.message]).toEqual([
      'ERR_ALG_UNSUPPORTED',
      'node:crypto cannot verify ML-DSA-44 in this runtime. Pass a `crypto` provider that has ' +
        'ML-DSA-44, or run where the runtime has it (see docs/algorithm-support.md).',
    ]);
    expect(
      keyImportFailed(Object.assign(new Error('x'), { code: 'ERR_JOSE_NOT_SUPPORTED' }), 'EdDSA')
        .code,
    ).toBe('ERR_ALG_UNSUPPORTED');
  });

  it('maps a WebCrypto verify that could not check the bytes to ERR_SIGNATURE_INVALID', () => {
    expect(signatureCheckFailed(domError('OperationError')).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('maps an OpenSSL error thrown by node:crypto (the Node path) to the same code and words', () => {
    const openssl = thrown(() =>
      createPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    );
    expect((openssl as { code?: string }).code).toMatch(/^ERR_OSSL_/);
    const mapped = signatureCheckFailed(openssl);
    const web = signatureCheckFailed(domError('OperationError'));
    expect([mapped.code, mapped.message]).toEqual([web.code, web.message]);
    expect(mapped.cause).toBe(openssl);
    // node:crypto's own argument errors are bugs, not bad signatures.
    const digest = thrown(() =>
      verify(
        'sha-nope',
        Buffer.from('x'),
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
        Buffer.alloc(1),
      ),
    );
    expect(() => signatureCheckFailed(digest)).toThrow(digest as Error);
  });

  it('rethrows what it cannot explain (a bug), never calling it a bad signature or key', () => {
    const bug = new RangeError('a bug');
    expect(() => keyImportFailed(bug, 'RS256')).toThrow(bug);
    expect(() => signatureCheckFailed(bug)).toThrow(bug);
    expect(() => signatureCheckFailed(domError('InvalidAccessError'))).toThrow(DOMException);
  });

  it('passes our own refusals through unchanged', () => {
    const ours = new VerificationError('ERR_KEY_INVALID', 'refused');
    expect(keyImportFailed(ours, 'RS256')).toBe(ours);
  });

  it('suggests CORS only when no answer could be read at all', () => {
    expect(
      fetchFailed('https://idp.test/k', 'failed', new TypeError('Failed to fetch')).message,
    ).toMatch(/CORS/);
    expect(fetchFailed('https://idp.test/k', 'the key server answered 503').message).not.toMatch(
      /CORS/,
    );
  });
});

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
