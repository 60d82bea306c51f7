import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier } from '../../src/index.js';
import { codeAndClaim } from '../helpers/outcome.js';
import {
  signIn,
  startProvider,
  UserAgent,
  type RunningProvider,
} from '../helpers/oidc-provider.js';

// A real OpenID provider (oidc-provider, development login enabled) on 127.0.0.1, and a scripted
// authorization-code + PKCE sign-in with a nonce, as a single-page app would run it.
const CLIENT_ID = 'tokenward-spa';
const REDIRECT_URI = 'http://127.0.0.1/callback';

let op: RunningProvider;
let issuer: string;

beforeAll(async () => {
  op = await startProvider({
    clients: [
      {
        client_id: CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
  });
  issuer = op.issuer;
}, 30_000);

afterAll(() => op.stop());

describe('ID tokens from a real OpenID provider (oidc-provider)', () => {
  it('verifies the ID token of an authorization-code + PKCE sign-in, and refuses it when the checks differ', async () => {
    const nonce = randomBytes(16).toString('base64url');
    const { id_token: idToken, access_token: accessToken } = await signIn(new UserAgent(issuer), {
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      nonce,
    });
    const idTokens = createIdTokenVerifier({ issuer, clientId: CLIENT_ID, leeway: 0 });

    const { payload, header } = await idTokens.verify(idToken, {
      nonce,
      maxAge: '1h',
      accessToken,
    });
    expect(payload).toMatchObject({ iss: issuer, aud: CLIENT_ID, sub: 'alice', nonce });
    expect(header.kid).toBe('op-1');

    expect(await codeAndClaim(idTokens.verify(idToken, { nonce: `${nonce}x` }))).toEqual([
      'ERR_CLAIM_INVALID',
      'nonce',
    ]);

    const otherClient = createIdTokenVerifier({ issuer, clientId: 'another-client' });
    expect(await codeAndClaim(otherClient.verify(idToken, { nonce }))).toEqual([
      'ERR_CLAIM_INVALID',
      'aud',
    ]);

    // Once a second has passed since auth_time, max_age 0 has expired.
    const authTime = payload.auth_time as number;
    while (Math.floor(Date.now() / 1000) <= authTime) await new Promise((r) => setTimeout(r, 100));
    expect(await codeAndClaim(idTokens.verify(idToken, { nonce, maxAge: 0 }))).toEqual([
      'ERR_CLAIM_INVALID',
      'auth_time',
    ]);
  }, 30_000);
});
