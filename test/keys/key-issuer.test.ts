import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks } from '../../src/index.js';
import { keyServesIssuer } from '../../src/keys/key-issuer.js';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { AUDIENCE, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeOf } from '../helpers/outcome.js';

const GUID = '5f1c2a3b-0d4e-4f60-8a7b-9c0d1e2f3a4b';
const ENTRA = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const entraIss = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;
const jwk = (issuer?: unknown) => ({ kty: 'RSA', kid: 'k', issuer }) as PublicJwk;

describe('keyServesIssuer', () => {
  it('lets a key without an issuer serve any token', () => {
    expect(keyServesIssuer({ kty: 'RSA' }, { iss: 'https://anyone.test' })).toBe(true);
    expect(keyServesIssuer({ kty: 'RSA' }, {})).toBe(true);
  });

  it('holds an exact key issuer to the exact iss', () => {
    expect(keyServesIssuer(jwk('https://a.test'), { iss: 'https://a.test' })).toBe(true);
    expect(keyServesIssuer(jwk('https://a.test'), { iss: 'https://a.test/' })).toBe(false);
    expect(keyServesIssuer(jwk('https://a.test'), { iss: 'https://b.test' })).toBe(false);
    expect(keyServesIssuer(jwk('https://a.test'), {})).toBe(false);
  });

  it("puts the token's own tid into a {tenantid} key issuer (Entra)", () => {
    expect(keyServesIssuer(jwk(ENTRA), { iss: entraIss(GUID), tid: GUID })).toBe(true);
    expect(keyServesIssuer(jwk(ENTRA), { iss: entraIss(GUID), tid: 'other' })).toBe(false);
    expect(keyServesIssuer(jwk(ENTRA), { iss: entraIss(GUID) })).toBe(false);
    expect(keyServesIssuer(jwk(ENTRA), { iss: entraIss('a/b'), tid: 'a/b' })).toBe(false);
    expect(
      keyServesIssuer(jwk(ENTRA), { iss: `https://sts.windows.net/${GUID}/`, tid: GUID }),
    ).toBe(false);
  });

  it('lets a key whose issuer is not a string, or a malformed template, serve nothing', () => {
    expect(keyServesIssuer(jwk(42), { iss: '42' })).toBe(false);
    expect(keyServesIssuer(jwk(['https://a.test']), { iss: 'https://a.test' })).toBe(false);
    const inHost = 'https://{tenantid}.example.test/';
    expect(
      keyServesIssuer(jwk(inHost), { iss: 'https://contoso.example.test/', tid: 'contoso' }),
    ).toBe(false);
  });
});

describe('a verifier uses a key that names its issuer only for tokens of that issuer', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('entra-1');
  });

  const verifier = (issuer: string) =>
    createVerifier({
      keys: localJwks({ keys: [{ ...key.publicJwk, issuer }] }),
      issuer: null,
      audience: AUDIENCE,
    });

  it('accepts the Entra tenant whose tid fills the template, and no other issuer', async () => {
    const entra = verifier(ENTRA);
    expect(await codeOf(entra.verify(await sign(key, { iss: entraIss(GUID), tid: GUID })))).toBe(
      'OK',
    );
    expect(await codeOf(entra.verify(await sign(key, { iss: entraIss(GUID), tid: 'x' })))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
    // A v1 token (sts.windows.net) signed by a key published for v2.0 tokens.
    const v1 = await sign(key, { iss: `https://sts.windows.net/${GUID}/`, tid: GUID });
    expect(await codeOf(entra.verify(v1))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('refuses a token of another issuer even when the verifier takes any iss (issuer: null)', async () => {
    const exact = verifier('https://a.test');
    expect(await codeOf(exact.verify(await sign(key, { iss: 'https://a.test' })))).toBe('OK');
    expect(await codeOf(exact.verify(await sign(key, { iss: 'https://b.test' })))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });
});
