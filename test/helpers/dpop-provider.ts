import { createHash, randomBytes } from 'node:crypto';
import { startProvider } from './oidc-provider.js';

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
  const op = await startProvider({
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
    features: {
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
  });
  return { issuer: op.issuer, authorize: () => authorize(op.issuer), stop: op.stop };
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
