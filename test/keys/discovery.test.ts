import ky from 'ky';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, discovery, isVerificationError } from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, makeKey, sign, type TestKey } from '../helpers/keys.js';

let server: KeyServer;
let key: TestKey;

beforeAll(async () => {
  server = await new KeyServer().start();
  key = await makeKey('d1');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

function serveDiscovery(overrides: Record<string, unknown> = {}) {
  server.json('/.well-known/openid-configuration', {
    issuer: server.url,
    jwks_uri: `${server.url}/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    ...overrides,
  });
  server.json('/keys', { keys: [key.publicJwk] });
}

describe('discovery()', () => {
  it('finds the keys through jwks_uri and checks iss against the issuer by default', async () => {
    serveDiscovery();
    const v = createVerifier({ keys: discovery(server.url), audience: AUDIENCE });
    await expect(v.verify(await sign(key, { iss: server.url }))).resolves.toBeTruthy();
    const wrongIssuer = await v
      .verify(await sign(key, { iss: 'https://elsewhere.test' }))
      .catch((e: unknown) => e);
    expect(isVerificationError(wrongIssuer) && [wrongIssuer.code, wrongIssuer.claim]).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
    expect(server.count('/keys')).toBe(1);
  });

  it('accepts a trailing slash on the issuer URL when the document says the same', async () => {
    serveDiscovery({ issuer: `${server.url}/` });
    const v = createVerifier({ keys: discovery(`${server.url}/`), audience: AUDIENCE });
    await expect(v.verify(await sign(key, { iss: `${server.url}/` }))).resolves.toBeTruthy();
  });

  it('refuses a document that names another issuer', async () => {
    serveDiscovery({ issuer: 'https://impostor.test' });
    const v = createVerifier({ keys: discovery(server.url, { retry: 0 }), audience: AUDIENCE });
    const error = await v.verify(await sign(key, { iss: server.url })).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toContain('impostor');
  });

  it('refuses a document without a usable jwks_uri', async () => {
    serveDiscovery({ jwks_uri: 42 });
    const v = createVerifier({ keys: discovery(server.url, { retry: 0 }), audience: AUDIENCE });
    const error = await v.verify(await sign(key, { iss: server.url })).catch((e: unknown) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_FETCH_FAILED');
  });

  it('refuses a plain-http jwks_uri for an https issuer', async () => {
    // The ky seam routes https://idp.test to the local server, so the issuer can be https.
    const issuer = 'https://idp.test';
    const routed = ky.create({
      fetch: (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        return fetch(request.url.replace(issuer, server.url), init);
      },
    });
    server.json('/.well-known/openid-configuration', { issuer, jwks_uri: 'http://idp.test/keys' });
    server.json('/keys', { keys: [key.publicJwk] });
    const v = createVerifier({
      keys: discovery(issuer, { retry: 0, ky: routed }),
      audience: AUDIENCE,
    });
    const error = await v.verify(await sign(key, { iss: issuer })).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toMatch(/not https/);
    expect(server.count('/keys')).toBe(0);

    server.json('/.well-known/openid-configuration', { issuer, jwks_uri: 'https://idp.test/keys' });
    const ok = createVerifier({
      keys: discovery(issuer, { retry: 0, ky: routed }),
      audience: AUDIENCE,
    });
    await expect(ok.verify(await sign(key, { iss: issuer }))).resolves.toBeTruthy();
  });

  it('allows an explicit issuer to override the discovered default', async () => {
    serveDiscovery();
    const v = createVerifier({ keys: discovery(server.url), issuer: null, audience: AUDIENCE });
    await expect(v.verify(await sign(key, { iss: 'anything' }))).resolves.toBeTruthy();
  });
});
