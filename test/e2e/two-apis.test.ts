import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTokenVerifier,
  protectResource,
  type ProtectedResource,
} from '../../src/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { serveFetch, type RunningFetchServer } from '../helpers/fetch-server.js';
import { startGuardedApi, type ArrivedRequest, type GuardedApi } from '../helpers/guarded-api.js';
import { startProvider, type RunningProvider } from '../helpers/oidc-provider.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';

// An SPA in Chromium (the built package) calling two APIs, each a real server on its own port
// guarded by protectResource, with RFC 9068 at+jwt tokens a real oidc-provider issues per
// resource (RFC 8707 resource indicators, client credentials through the app's backend). The
// APIs log every request's headers and body before anything else sees them: the logs, not the
// client's word, prove which token went where.
const root = resolve(import.meta.dirname, '../..');
const SERVICE = 'two-apis-backend';
const SECRET = randomBytes(16).toString('hex');
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const CLIENTS = ['createFetch', 'ky'] as const;
// Scopes a route needs on top of its API's own: a:admin is one the provider never grants.
const ROUTE_SCOPES = new Map([
  ['/api/write', ['a:write']],
  ['/api/admin', ['a:admin']],
]);

interface Issued {
  resource: string;
  scope: string;
  token: string;
}
interface Outcome {
  status?: number;
  body?: string;
  error?: string;
  claim?: string;
}

let op: RunningProvider;
let apiA: GuardedApi;
let apiB: GuardedApi;
let rogue: GuardedApi;
let backend: RunningFetchServer;
let site: StaticSite;
let browser: Awaited<ReturnType<typeof launchChromium>>;
const issued: Issued[] = [];
const guards = new Map<string, ProtectedResource>();
let resourceA = '';
let resourceB = '';

/** The API's answer: metadata, then the guard on /api (with ROUTE_SCOPES on top); other paths open. */
const protectedApi = (name: string) => async (request: Request) => {
  const protect = guards.get(name)!;
  const metadata = protect.metadata(request);
  if (metadata) return metadata;
  const { pathname } = new URL(request.url);
  // Sibling paths (/apix) and other routes are open: whatever reaches them is logged.
  if (pathname !== '/api' && !pathname.startsWith('/api/')) return Response.json({ open: true });
  const result = await protect(request, { scopes: ROUTE_SCOPES.get(pathname) ?? [] });
  if (!result.ok) return result.response;
  const { aud, scope } = result.token.payload as { aud: string; scope: string };
  return Response.json({ api: name, aud, scope, path: pathname });
};

beforeAll(async () => {
  [apiA, apiB, rogue] = await Promise.all([
    startGuardedApi(protectedApi('a')),
    startGuardedApi(protectedApi('b')),
    // Its 401s point at its own metadata, which names API A's resource (RFC 9728 §3.3 refusal).
    startGuardedApi(async (request) => {
      if (new URL(request.url).pathname.startsWith(WELL_KNOWN))
        return guards.get('a')!.metadata(new Request(guards.get('a')!.metadataUrl))!;
      return protectedApi('rogue')(request);
    }),
  ]);
  resourceA = `${apiA.url}/api`;
  resourceB = `${apiB.url}/api`;
  const scopes = new Map([
    [resourceA, 'a:read a:write'],
    [resourceB, 'b:read'],
  ]);
  op = await startProvider({
    clients: [
      {
        client_id: SERVICE,
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          const scope = scopes.get(resource);
          if (scope === undefined) throw new Error('unknown resource');
          return {
            scope,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  for (const [name, resource] of [
    ['a', resourceA],
    ['b', resourceB],
    ['rogue', `${rogue.url}/api`],
  ] as const)
    guards.set(
      name,
      protectResource({
        resource,
        verifier: createAccessTokenVerifier({ issuer: op.issuer, audience: resource }),
        authorizationServers: [op.issuer],
        scopes: name === 'b' ? ['b:read'] : ['a:read'],
      }),
    );
  backend = await serveFetch(
    tokenEndpoint(
      new Map([
        [resourceA, 'a:read'],
        [resourceB, 'b:read'],
      ]),
      scopes,
    ),
  );
  site = await serveStatic(root, { '/': 'test/runtimes/dpop.html' }, [
    '/dist/',
    '/node_modules/jose/dist/webapi/',
    '/node_modules/ky/distribution/',
  ]);
  if (chromiumAvailable()) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([apiA, apiB, rogue, backend].map((server) => server?.stop()));
  await site?.close();
  await op?.stop();
});

/**
 * The app's backend: mints a token for a resource with client credentials (default scopes per
 * resource, or the grantable ones of those asked for) and records it, so the test knows every token there is.
 */
function tokenEndpoint(defaults: Map<string, string>, granted: Map<string, string>) {
  return async (request: Request) => {
    const asked = new URL(request.url).searchParams;
    const resource = asked.get('resource') ?? '';
    // Scopes the user never consented to are dropped, as a real session would.
    const grantable = (granted.get(resource) ?? '').split(' ');
    const wanted = (asked.get('scope') || defaults.get(resource) || '').split(' ');
    const scope = wanted.filter((word) => grantable.includes(word)).join(' ');
    const answer = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SERVICE,
        client_secret: SECRET,
        resource,
        scope,
      }),
    });
    const body = (await answer.json()) as { access_token?: string };
    if (body.access_token !== undefined) issued.push({ resource, scope, token: body.access_token });
    return Response.json(body, {
      status: answer.status,
      headers: { 'access-control-allow-origin': '*' },
    });
  };
}

// The page's app: one verifier (the provider's keys via discovery), getToken and refresh through
// the backend (getToken cached per resource and scopes, as a session would), ky or fetch.
const APP = `(async () => {
  const { createFetch, createAccessTokenVerifier } = await import('tokenward');
  const { withVerifiedToken } = await import('tokenward/ky');
  const { default: ky } = await import('ky');
  const config = CONFIG;
  const calls = [];
  const cache = new Map();
  const mint = async ({ resource, scopes }) => {
    const query = new URLSearchParams({ resource: resource ?? '', scope: (scopes ?? []).join(' ') });
    const answer = await fetch(config.backend + '/token?' + query);
    return (await answer.json()).access_token;
  };
  const getToken = (context) => {
    calls.push({ kind: 'getToken', ...context });
    const key = JSON.stringify([context.resource, context.scopes]);
    if (!cache.has(key)) cache.set(key, mint(context));
    return cache.get(key);
  };
  const refresh = (context) => {
    calls.push({ kind: 'refresh', ...context });
    return mint(context);
  };
  const verifier = createAccessTokenVerifier({ issuer: config.issuer, audience: [config.a, config.b] });
  const make = (client, extra) => {
    const options = { verifier, getToken, refresh, ...extra };
    if (client === 'createFetch') return createFetch(options);
    const send = withVerifiedToken(ky.create({ throwHttpErrors: false }) /* retries on: the hooks resend through ky.retry() */, options);
    return (url, init) => send(url, init);
  };
  const settle = (sending) =>
    sending.then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error) => ({ error: error.code ?? error.name + ': ' + error.message, claim: error.claim }),
    );
  window.app = { make, settle, calls, cache };
})()`;

describe.runIf(chromiumAvailable())('Chromium: an SPA calling two APIs with two tokens', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
    await page.goto(`${site.url}/`);
    const config = { backend: backend.url, issuer: op.issuer, a: resourceA, b: resourceB };
    await page.evaluate(APP.replace('CONFIG', JSON.stringify(config)));
  }, 30_000);

  /** Runs `script` (a function of `send`) in the page with a fresh client; logs from here on. */
  const inPage = async <T>(client: string, extra: object, script: string, cold = true) => {
    // Chromium's HTTP cache keeps metadata (max-age=3600) across clients: a run starts cold
    // unless it is about the warm case.
    if (cold) await (await browser.context.newCDPSession(page)).send('Network.clearBrowserCache');
    const marks = [apiA.log.length, apiB.log.length, rogue.log.length, issued.length];
    const value = (await page.evaluate(`(async () => {
      const { make, settle, calls, cache } = window.app;
      calls.length = 0;
      cache.clear();
      const send = make(${JSON.stringify(client)}, ${JSON.stringify(extra)});
      return { outcome: await (${script})(send, settle), calls: [...calls] };
    })()`)) as { outcome: T; calls: Record<string, unknown>[] };
    return {
      ...value,
      a: apiA.log.slice(marks[0]),
      b: apiB.log.slice(marks[1]),
      rogue: rogue.log.slice(marks[2]),
      issued: issued.slice(marks[3]),
    };
  };

  const staticResources = () => ({
    resources: [
      { url: `${resourceA}/`, resource: resourceA, scopes: ['a:read'] },
      { url: `${resourceB}/`, resource: resourceB, scopes: ['b:read'] },
    ],
  });

  it.each(CLIENTS)(
    '%s with resources: each API gets its own token, look-alike origins and sibling paths nothing',
    async (client) => {
      const lookAlikeA = apiA.url.replace('127.0.0.1', 'localhost');
      const lookAlikeB = apiB.url.replace('127.0.0.1', 'localhost');
      const urls = [
        `${resourceA}/me`,
        `${resourceB}/me`,
        `${apiA.url}/apix/sibling`,
        `${apiB.url}/apix/sibling`,
        `${apiA.url}/other`,
        `${lookAlikeA}/api/lookalike`,
        `${lookAlikeB}/api/lookalike`,
      ];
      const run = await inPage<Outcome[]>(
        client,
        staticResources(),
        `async (send, settle) => {
          const urls = ${JSON.stringify(urls)};
          const posted = await settle(send(urls[0], { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":"hello"}' }));
          return [posted, ...(await Promise.all(urls.slice(1).map((url) => settle(send(url)))))];
        }`,
      );
      expect(run.outcome.map((o) => o.status ?? o.error)).toEqual([
        200, 200, 200, 200, 200, 401, 401,
      ]);
      expect(JSON.parse(run.outcome[0]!.body!)).toMatchObject({ api: 'a', aud: resourceA });
      expect(JSON.parse(run.outcome[1]!.body!)).toMatchObject({ api: 'b', aud: resourceB });
      // The body went with the request, and was logged.
      expect(run.a.find((r) => r.method === 'POST')?.body).toBe('{"note":"hello"}');
      expectOnlyOwnTokens(run.a, apiA, resourceA);
      expectOnlyOwnTokens(run.b, apiB, resourceB);
      // Each API's own resource got its own token, as Bearer.
      expect(tokensAt(run.a, apiA)).toEqual([ownToken(run.issued, resourceA)]);
      expect(tokensAt(run.b, apiB)).toEqual([ownToken(run.issued, resourceB)]);
      // The look-alike origins and sibling paths were called, and got no Authorization at all.
      const elsewhere = [
        ...run.a.filter((r) => !isTheResource(r, apiA)),
        ...run.b.filter((r) => !isTheResource(r, apiB)),
      ];
      expect(elsewhere.map((r) => `${r.host.split(':')[0]}${r.path}`).sort()).toEqual([
        '127.0.0.1/apix/sibling',
        '127.0.0.1/apix/sibling',
        '127.0.0.1/other',
        'localhost/api/lookalike',
        'localhost/api/lookalike',
      ]);
      for (const request of elsewhere) expect(authorizationOf(request)).toEqual([]);
    },
    60_000,
  );

  const metadataFetches = (log: ArrivedRequest[]) =>
    log.filter((r) => r.method === 'GET' && r.path.startsWith(WELL_KNOWN)).length;

  it.each(CLIENTS)(
    '%s with discover: true: one metadata fetch per API for 16 concurrent requests, then each its own token',
    async (client) => {
      const urls = [
        ...Array.from({ length: 8 }, (_, i) => `${resourceA}/n/${i}`),
        ...Array.from({ length: 8 }, (_, i) => `${resourceB}/n/${i}`),
      ];
      const discovering = (cold: boolean) =>
        inPage<Outcome[]>(
          client,
          { discover: true, allowedOrigins: [apiA.url, apiB.url] },
          `(send, settle) => Promise.all(${JSON.stringify(urls)}.map((url) => settle(send(url))))`,
          cold,
        );
      const run = await discovering(true);
      expect(run.outcome.map((o) => o.status ?? o.error)).toEqual(urls.map(() => 200));
      expect([metadataFetches(run.a), metadataFetches(run.b)]).toEqual([1, 1]);
      // A new client on the same page (the documents now in Chromium's HTTP cache, so learned
      // before most 401s are back): still one token per API, every request answered with it.
      const warm = await discovering(false);
      expect(warm.outcome.map((o) => o.status ?? o.error)).toEqual(urls.map(() => 200));
      expect([metadataFetches(warm.a), metadataFetches(warm.b)]).toEqual([0, 0]);
      expect(tokensAt(warm.a, apiA)).toEqual([ownToken(warm.issued, resourceA)]);
      expect(tokensAt(warm.b, apiB)).toEqual([ownToken(warm.issued, resourceB)]);
      // Every request went out first without a token (its resource unknown), then once with it.
      const bare = (log: ArrivedRequest[], api: GuardedApi) =>
        log.filter(
          (r) => r.method === 'GET' && isTheResource(r, api) && !authorizationOf(r).length,
        );
      expect([bare(run.a, apiA).length, bare(run.b, apiB).length]).toEqual([8, 8]);
      expect(new Set(run.calls.map((c) => c.resource))).toEqual(new Set([resourceA, resourceB]));
      expect(tokensAt(run.a, apiA)).toEqual([ownToken(run.issued, resourceA)]);
      expect(tokensAt(run.b, apiB)).toEqual([ownToken(run.issued, resourceB)]);
      expectOnlyOwnTokens(run.a, apiA, resourceA);
      expectOnlyOwnTokens(run.b, apiB, resourceB);
    },
    60_000,
  );

  it.each(CLIENTS)(
    '%s refuses a metadata document naming another resource: no token is asked for or sent',
    async (client) => {
      const url = `${rogue.url}/api/me`;
      const run = await inPage<Outcome>(
        client,
        { discover: true, allowedOrigins: [rogue.url] },
        `(send, settle) => settle(send(${JSON.stringify(url)}))`,
      );
      expect(run.outcome).toEqual({ error: 'ERR_RESOURCE_MISMATCH', claim: 'resource' });
      expect(run.calls).toEqual([]);
      expect(run.issued).toEqual([]);
      expect(run.rogue.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/me',
        `GET ${WELL_KNOWN}/api`,
      ]);
      expectOnlyOwnTokens(run.rogue, rogue, 'none', false);
    },
    60_000,
  );

  it.each(CLIENTS)(
    '%s steps up once on insufficient_scope with scope="…", and sends no token short of it',
    async (client) => {
      const run = await inPage<Outcome[]>(
        client,
        staticResources(),
        `async (send, settle) => [
          await settle(send(${JSON.stringify(`${resourceA}/write`)})),
          await settle(send(${JSON.stringify(`${resourceA}/admin`)})),
        ]`,
      );
      const [write, admin] = run.outcome;
      expect(write!.status).toBe(200);
      expect(JSON.parse(write!.body!).scope.split(' ').sort()).toEqual(['a:read', 'a:write']);
      const at = (path: string) =>
        run.a.filter((r) => r.method !== 'OPTIONS' && r.path === path).map(authorizationOf);
      // In order: getToken's a:read token, the a:write refresh, the a:admin refresh that the
      // backend could only fill with a:read.
      const [first, stepped, short] = run.issued.map((i) => [`Bearer ${i.token}`]);
      expect(run.issued.map((i) => i.scope)).toEqual(['a:read', 'a:read a:write', 'a:read']);
      // The first try with the a:read token (403 insufficient_scope), the retry with a:write.
      expect(at('/api/write')).toEqual([first, stepped]);
      // a:admin is never granted: the refreshed token falls short, so it is not sent (one try).
      expect(admin).toEqual({ error: 'ERR_RESOURCE_MISMATCH', claim: 'scope' });
      expect(at('/api/admin')).toEqual([first]);
      expect(JSON.stringify(run.a)).not.toContain(short![0]!.split('.')[2]);
      expect(run.calls.filter((c) => c.kind === 'refresh')).toEqual([
        {
          kind: 'refresh',
          url: `${resourceA}/write`,
          resource: resourceA,
          scopes: ['a:read', 'a:write'],
        },
        {
          kind: 'refresh',
          url: `${resourceA}/admin`,
          resource: resourceA,
          scopes: ['a:read', 'a:admin'],
        },
      ]);
      expect(run.b).toEqual([]);
      expectOnlyOwnTokens(run.a, apiA, resourceA);
    },
    60_000,
  );
});

/** The Authorization headers a logged request carried (all of them: repeats are kept). */
function authorizationOf(request: ArrivedRequest): string[] {
  return request.headers
    .filter(([name]) => name.toLowerCase() === 'authorization')
    .map(([, v]) => v);
}

/** The distinct bearer tokens that reached the API's own resource (not preflights). */
function tokensAt(log: ArrivedRequest[], api: GuardedApi): string[] {
  const sent = log.filter((r) => r.method !== 'OPTIONS' && isTheResource(r, api));
  return [...new Set(sent.flatMap(authorizationOf))].map((value) => value.replace(/^Bearer /, ''));
}

/** The one token minted for `resource` in a run (the page's session caches it). */
function ownToken(minted: Issued[], resource: string): string {
  const own = minted.filter((i) => i.resource === resource);
  expect(own).toHaveLength(1);
  return own[0]!.token;
}

/** Whether a logged request went to the API's own resource: its origin exactly, under /api. */
function isTheResource(request: ArrivedRequest, api: GuardedApi): boolean {
  const ownHost = request.host === new URL(api.url).host;
  return ownHost && (request.path === '/api' || request.path.startsWith('/api/'));
}

/**
 * The API's log holds its own resource's tokens only, sent as `Authorization: Bearer` to its own
 * origin and paths; every other logged request (look-alike origin, sibling path, preflight)
 * holds no byte of any token: not whole, not its payload, not its signature.
 */
function expectOnlyOwnTokens(
  log: ArrivedRequest[],
  api: GuardedApi,
  resource: string,
  reached = true,
): void {
  const own = issued.filter((i) => i.resource === resource).map((i) => i.token);
  const sent = log.filter((r) => r.method !== 'OPTIONS' && isTheResource(r, api));
  expect(sent.some((r) => authorizationOf(r).length > 0)).toBe(reached);
  expect(issued.length).toBeGreaterThan(0); // a search for nothing finds nothing
  for (const request of log) {
    const allowed = request.method !== 'OPTIONS' && isTheResource(request, api) ? own : [];
    const everything = JSON.stringify(request);
    for (const { token } of issued.filter((i) => !allowed.includes(i.token))) {
      const [, payload, signature] = token.split('.');
      for (const piece of [token, payload!, signature!])
        expect(everything.includes(piece), `${request.host}${request.path}`).toBe(false);
    }
  }
}
