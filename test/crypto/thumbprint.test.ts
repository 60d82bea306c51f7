import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/crypto/thumbprint.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';
import { defaultCrypto } from '../../src/crypto/default-node.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';

// RFC 7638 §3.1: the example key and the thumbprint the RFC gives for it.
const RFC_KEY = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
    'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY' +
    '368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f' +
    'M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe.each([
  ['WebCrypto', webCrypto as SignatureProvider],
  ['node:crypto', defaultCrypto('test')],
])('jwkThumbprint (%s)', (_, provider) => {
  it("gives RFC 7638's own example its published thumbprint", async () => {
    expect(await jwkThumbprint(RFC_KEY, provider)).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  it('hashes only the required members, in lexicographic order, for EC and OKP keys', async () => {
    const ec = { y: 'Y', x: 'X', kty: 'EC', crv: 'P-256', kid: 'ignored', use: 'sig' };
    const okp = { x: 'X', kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' };
    const expected = (json: string) => createHash('sha256').update(json).digest('base64url');
    expect(await jwkThumbprint(ec, provider)).toBe(
      expected('{"crv":"P-256","kty":"EC","x":"X","y":"Y"}'),
    );
    expect(await jwkThumbprint(okp, provider)).toBe(
      expected('{"crv":"Ed25519","kty":"OKP","x":"X"}'),
    );
  });

  it('refuses a key type or a member RFC 7638 does not define', async () => {
    await expect(jwkThumbprint({ kty: 'oct', k: 'AAAA' }, provider)).rejects.toThrow(TypeError);
    await expect(jwkThumbprint({ kty: 'RSA', n: 'AQAB' }, provider)).rejects.toThrow(/"e"/);
  });
});
