import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { vi } from 'vitest';

export const CLIENT_ID = 'tokenward-dpop-spa';
export const REDIRECT_URI = 'http://127.0.0.1/callback';

export interface DpopProvider {
  issuer: string;
  /** Runs the authorization request and the development login; returns what the callback gets. */
  authorize(): Promise<{ code: string; codeVerifier: string }>;
  stop(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) with its DPoP feature on and nonces required, issuing
 * JWT access tokens for one API (resource indicators), so they carry `cnf.jkt`. A page at
 * `corsOrigin` may call its token endpoint.
 */
export async function startDpopProvider(
  audience: string,
  corsOrigin?: string,
): Promise<DpopProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The development set-up warns on purpose (in-memory storage, development login).
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const provider = new Provider(issuer, {
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
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === corsOrigin,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: {
      devInteractions: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'orders',
          audience,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: () => ({ sub: accountId }),
    }),
  });
  server.on('request', provider.callback());
  warn.mockRestore();
  for (const [message] of warn.mock.calls)
    if (!/^oidc-provider WARNING: a quick start development-only/.test(String(message)))
      console.warn(message);
  return {
    issuer,
    authorize: () => authorize(issuer),
    stop() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Authorization code + PKCE through the development login, cookies kept by hand. */
async function authorize(issuer: string): Promise<{ code: string; codeVerifier: string }> {
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
      const [name, ...value] = cookie.split(';')[0]!.split('=');
      cookies.set(name!, value.join('='));
    }
    return response;
  };
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const codeVerifier = randomBytes(32).toString('base64url');
  const url = new URL('/auth', issuer);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid orders',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  let location = (await go(url.href)).headers.get('location')!;
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
  return { code, codeVerifier };
}

/** The token request's form body (RFC 6749 §4.1.3 with PKCE). */
export function tokenRequestBody(code: string, codeVerifier: string): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: codeVerifier,
    client_id: CLIENT_ID,
  }).toString();
}
