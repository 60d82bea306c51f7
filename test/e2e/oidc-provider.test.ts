import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier } from '../../src/index.js';
import { startOidcProvider, type RunningProvider } from '../helpers/oidc-provider.js';
import { codeAndClaim } from '../helpers/outcome.js';

// A real OpenID provider (oidc-provider, development login enabled) on 127.0.0.1, and a scripted
// authorization-code + PKCE sign-in with a nonce, as a single-page app would run it.
const CLIENT_ID = 'tokenward-spa';
const REDIRECT_URI = 'http://127.0.0.1/callback';

let op: RunningProvider;
let issuer: string;

beforeAll(async () => {
  op = await startOidcProvider('op-1', {
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
    features: { devInteractions: { enabled: true } },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
  });
  issuer = op.issuer;
}, 30_000);

afterAll(() => op.stop());

/** Runs the sign-in with cookies kept by hand, and returns the token response and what was sent. */
async function signIn(nonce: string) {
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, issuer), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!, value.join('='));
    }
    return response;
  };
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL('/auth', issuer);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
    nonce,
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    max_age: '3600',
  }).toString();

  let location = (await go(authorize.href)).headers.get('location')!;
  // Development login, then consent, each an interaction that redirects back to /auth.
  const steps: Record<string, string>[] = [
    { prompt: 'login', login: 'alice', password: 'any' },
    { prompt: 'consent' },
  ];
  for (const step of steps) {
    await go(location);
    location = (await go(location, form(step))).headers.get('location')!;
    location = (await go(location)).headers.get('location')!;
  }
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location}`);
  const tokenResponse = await go(
    '/token',
    form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: CLIENT_ID,
    }),
  );
  const tokens = (await tokenResponse.json()) as { id_token: string; access_token: string };
  return { ...tokens, code };
}

describe('ID tokens from a real OpenID provider (oidc-provider)', () => {
  it('verifies the ID token of an authorization-code + PKCE sign-in, and refuses it when the checks differ', async () => {
    const nonce = randomBytes(16).toString('base64url');
    const { id_token: idToken, access_token: accessToken } = await signIn(nonce);
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
