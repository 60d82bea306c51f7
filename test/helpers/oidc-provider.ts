import { vi } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { Configuration, Provider } from 'oidc-provider';
import { closeServer, listenOnLoopback } from './loopback.js';

/** How the provider answers: normally, not at all (a hung server), or 503 (an outage). */
export type ProviderMode = 'ok' | 'hang' | 'unavailable';

/** A real OpenID provider (oidc-provider) on 127.0.0.1, with a signing key made in this run. */
export interface RunningProvider {
  issuer: string;
  provider: Provider;
  /** The provider's signing key (RS256, `kid`): tests re-sign tampered tokens with it. */
  privateKey: CryptoKey;
  kid: string;
  /** Paths of the requests it received, in order. */
  requests: string[];
  /** Switch to 'hang' or 'unavailable' to take the provider down. */
  mode: ProviderMode;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider with development login, the given clients and features (or a function of
 * the issuer that returns them). Outgoing requests (back-channel logout) go through the plain
 * platform fetch: the provider's SSRF guard refuses loopback, where the test receivers listen.
 */
export async function startProvider(
  configure: Configuration | ((issuer: string) => Promise<Configuration>) = {},
  kid = 'op-1',
): Promise<RunningProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const server = createServer();
  const issuer = await listenOnLoopback(server);
  // A function sees the issuer first: receivers started for the clients need it.
  const config = typeof configure === 'function' ? await configure(issuer) : configure;
  // oidc-provider warns about the development set-up tests use on purpose (in-memory storage,
  // development login), and, when imported, about any Node older than 22 (CI runs Node 20, which
  // `engines` supports; the provider works there, as these tests show). Those warnings are
  // expected; any other is still printed. The import happens here so the spy sees the latter.
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      ClientCredentials: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: () => ({ sub: accountId }),
    }),
    fetch: (
      url: URL | string,
      { dispatcher: _ssrfGuard, ...init }: RequestInit & { dispatcher?: unknown },
    ) => fetch(url, init),
    ...config,
    features: { devInteractions: { enabled: true }, ...config.features },
  } as Configuration);
  warn.mockRestore();
  for (const [message] of warn.mock.calls)
    if (
      !/^oidc-provider WARNING: (a quick start development-only|Unsupported runtime)/.test(
        String(message),
      )
    )
      console.warn(message);
  const callback = provider.callback();
  const running: RunningProvider = {
    issuer,
    provider,
    privateKey,
    kid,
    requests: [],
    mode: 'ok',
    stop: () => closeServer(server),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    running.requests.push(new URL(req.url ?? '/', issuer).pathname);
    if (running.mode === 'hang') return; // closed by stop(), which closes every connection
    if (running.mode === 'unavailable') return void res.writeHead(503).end('down');
    callback(req, res);
  });
  return running;
}

/** A user agent for one person: keeps the provider's cookies by hand, follows no redirect itself. */
export class UserAgent {
  private cookies = new Map<string, string>();
  constructor(private readonly issuer: string) {}

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(url, this.issuer), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!, value.join('='));
    }
    return response;
  }

  post(url: string, fields: Record<string, string>): Promise<Response> {
    return this.go(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

export interface SignInOptions {
  clientId: string;
  redirectUri: string;
  nonce: string;
  login?: string;
}

/**
 * An authorization-code + PKCE sign-in with a nonce, as a single-page app runs it: development
 * login, then consent. Returns the token response and the code.
 */
export async function signIn(agent: UserAgent, options: SignInOptions) {
  const { clientId, redirectUri, nonce, login = 'alice' } = options;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = `/auth?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    nonce,
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    max_age: '3600',
  })}`;

  let location = (await agent.go(authorize)).headers.get('location')!;
  // Development login, then consent, each an interaction that redirects back to /auth.
  const steps: Record<string, string>[] = [
    { prompt: 'login', login, password: 'any' },
    { prompt: 'consent' },
  ];
  for (const step of steps) {
    await agent.go(location);
    location = (await agent.post(location, step)).headers.get('location')!;
    location = (await agent.go(location)).headers.get('location')!;
  }
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location}`);
  const tokenResponse = await agent.post('/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    client_id: clientId,
  });
  const tokens = (await tokenResponse.json()) as { id_token: string; access_token: string };
  return { ...tokens, code };
}

/**
 * RP-initiated logout, confirmed on the provider's page: the provider sends its back-channel
 * logout requests before it answers the confirmation.
 */
export async function signOut(agent: UserAgent, clientId: string): Promise<void> {
  const page = await (await agent.go(`/session/end?client_id=${clientId}`)).text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
  if (xsrf === undefined) throw new Error('no logout form on /session/end');
  const confirmed = await agent.post('/session/end/confirm', { xsrf, logout: 'yes' });
  if (confirmed.status >= 400) throw new Error(`logout confirmation: ${confirmed.status}`);
}
