// The vault demo's servers, all on loopback: a real OpenID provider (oidc-provider, development
// login), an API that verifies the tokens it receives, the SPA with the vault (service worker),
// and the same SPA on another origin without it. The worker is bundled from the built package.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { createVerifier, discovery, isVerificationError } from 'tokenward';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLIENT_ID = 'vault-demo';

const PAGES = {
  '/': 'examples/vault/index.html',
  '/callback': 'examples/vault/index.html',
  '/app.js': 'examples/vault/app.js',
  '/scan.js': 'examples/vault/scan.js',
  '/style.css': 'examples/vault/style.css',
};
const FOLDERS = ['/dist/', '/node_modules/jose/dist/webapi/'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

/** The service worker, bundled as an app would: `tokenward` resolved through its exports. */
export async function bundleWorker() {
  const { outputFiles } = await build({
    entryPoints: [join(root, 'examples/vault/sw.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return outputFiles[0].text;
}

const listen = (server, port = 0) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
const close = (server) =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * Starts everything. `port`: the vault SPA's (0: any free one). `tokenEndpoint`: where the page
 * exchanges its code (default: the provider's own). Resolves with the URLs, what the API and the
 * provider received, `accessTtl` (seconds, settable) and close().
 */
export async function startVaultDemo({ port = 8790, tokenEndpoint } = {}) {
  const servers = [createServer(), createServer(), createServer(), createServer()];
  const [op, api, site, plain] = servers;
  const issuer = `http://127.0.0.1:${await listen(op)}`;
  const apiPort = await listen(api);
  const apiUrl = `http://localhost:${apiPort}`;
  const resource = `${apiUrl}/api`;
  const siteUrl = `http://127.0.0.1:${await listen(site, port)}`;
  const plainUrl = `http://127.0.0.1:${await listen(plain)}`;
  const demo = {
    issuer,
    apiUrl,
    apiPort,
    resource,
    url: siteUrl,
    plainUrl,
    accessTtl: 600,
    /** Every request the API received: host, path and the Authorization it carried. */
    received: [],
    /** Paths of the provider's requests, in order. */
    providerRequests: [],
    close: () => Promise.all(servers.map(close)),
  };
  const provider = await startProvider(demo, [siteUrl, plainUrl]);
  const callback = provider.callback();
  op.on('request', (req, res) => {
    demo.providerRequests.push(new URL(req.url, issuer).pathname);
    callback(req, res);
  });
  api.on('request', apiHandler(demo));
  const worker = await bundleWorker();
  const config = (mode) => ({
    mode,
    issuer,
    clientId: CLIENT_ID,
    resource,
    api: apiUrl,
    tokenEndpoint: tokenEndpoint ?? `${issuer}/token`,
    plainUrl,
  });
  site.on('request', pageHandler(config('vault'), worker));
  plain.on('request', pageHandler(config('plain')));
  return demo;
}

async function startProvider(demo, origins) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const redirects = origins.map((origin) => `${origin}/callback`);
  return new Provider(demo.issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: redirects,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    clientBasedCORS: (_ctx, origin) => origins.includes(origin),
    issueRefreshToken: () => true,
    findAccount: (_ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
    ttl: {
      AccessToken: () => demo.accessTtl,
      AuthorizationCode: 60,
      IdToken: 600,
      RefreshToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => demo.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience: demo.resource,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
}

/** The API: answers CORS, records every Authorization, verifies tokens under /api. */
function apiHandler(demo) {
  let verifier;
  return async (req, res) => {
    const cors = {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'GET, POST',
      'access-control-max-age': '600', // one preflight, not one per request
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const path = new URL(req.url, 'http://x').pathname;
    const authorization = req.headers.authorization;
    demo.received.push({ host: req.headers.host, path, authorization });
    const json = (status, body) =>
      res
        .writeHead(status, { ...cors, 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    if (path !== '/api' && !path.startsWith('/api/'))
      return json(200, { path, token: !!authorization });
    verifier ??= createVerifier({
      keys: discovery(demo.issuer),
      issuer: demo.issuer,
      audience: demo.resource,
      typ: 'at+jwt',
    });
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) return json(401, { error: 'no token' });
    try {
      const { payload } = await verifier.verify(token);
      json(200, { sub: payload.sub, aud: payload.aud, exp: payload.exp });
    } catch (error) {
      json(401, { error: isVerificationError(error) ? error.code : 'invalid' });
    }
  };
}

/** The SPA's files, its config, and (on the vault's origin only) the bundled worker. */
function pageHandler(config, worker) {
  return async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/config.json')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(config));
    if (path === '/sw.js' && worker !== undefined)
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker);
    const file =
      PAGES[path] ??
      (FOLDERS.some((f) => path.startsWith(f)) && !path.includes('..') ? path.slice(1) : undefined);
    if (file === undefined) return void res.writeHead(404).end();
    try {
      const body = await readFile(join(root, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  };
}
