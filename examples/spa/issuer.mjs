// The demo issuer: an RS256 identity provider and a protected API, written with jose.
// The private key lives in memory only and is made anew at every start.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
  createLocalJWKSet,
  SignJWT,
} from 'jose';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const AUDIENCE = 'tokenward-demo';

const STATIC = {
  '/': 'examples/spa/index.html',
  '/app.js': 'examples/spa/app.js',
  '/checks.js': 'examples/spa/checks.js',
  '/times.js': 'examples/spa/times.js',
  '/style.css': 'examples/spa/style.css',
};
const STATIC_DIRS = ['dist/', 'node_modules/jose/dist/webapi/', 'node_modules/ky/distribution/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
};

/**
 * Starts the issuer on 127.0.0.1. `log` receives one line per key request and per verification;
 * the page sees the same lines live on /admin/log. `keysMaxAge` is the key set's
 * Cache-Control max-age in seconds. Resolves with { url, close }.
 */
export async function startDemoIssuer({ port = 8787, log = () => {}, keysMaxAge = 30 } = {}) {
  let generation = 0;
  let current = await newKey();
  // The outage lives in the issuer (not in a page timer), so every page shows the truth and a
  // reload can switch it back; a restart starts with the key server up.
  let keyServerDown = false;
  let issuer = '';
  const watchers = new Set();

  /** One line for the terminal, and the same fact as JSON for every open page. */
  function record(line, fact) {
    log(line);
    const data = `data: ${JSON.stringify({ line, time: Date.now(), ...fact })}\n\n`;
    for (const watcher of watchers) watcher.write(data);
  }
  const state = () => ({ keyServerDown, kid: current.kid, keysMaxAge });

  async function newKey() {
    generation += 1;
    const { privateKey, publicKey } = await generateKeyPair('RS256', {
      extractable: true,
      modulusLength: 2048,
    });
    const kid = `demo-${generation}`;
    return {
      kid,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
      pem: await exportSPKI(publicKey),
    };
  }

  const jwks = () => ({ keys: [current.jwk] });

  async function issue(username, ttlSeconds) {
    return new SignJWT({ name: username, scope: 'profile:read' })
      .setProtectedHeader({ alg: 'RS256', kid: current.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(username.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'user')
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(current.privateKey);
  }

  async function handle(req, res) {
    const url = new URL(req.url, issuer);
    const send = (status, body, headers = {}) => {
      const json = typeof body !== 'string';
      res.writeHead(status, {
        'content-type': json ? 'application/json' : 'text/plain',
        ...headers,
      });
      res.end(json ? JSON.stringify(body) : body);
    };
    const keyRoute = [
      '/.well-known/jwks.json',
      '/rs256.pub',
      '/.well-known/openid-configuration',
    ].includes(url.pathname);
    if (keyRoute) {
      // Public keys are for everyone: an app on another origin (your own, while you try
      // tokenward) may read them, revalidate them (If-None-Match, so a preflight) and see the
      // ETag and Date tokenward uses (revalidation, clockSkew: 'auto').
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', 'ETag, Date');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'If-None-Match',
          'access-control-max-age': '600',
        });
        return res.end();
      }
      const keyFetch = (status, note = '') => {
        record(`key fetch   ${url.pathname}  → ${status}${note}`, {
          kind: 'key-request',
          path: url.pathname,
          status,
          conditional: req.headers['if-none-match'] !== undefined,
          maxAge: url.pathname === '/.well-known/jwks.json' ? keysMaxAge : undefined,
          kid: current.kid,
        });
      };
      if (keyServerDown) {
        keyFetch(503, ' (key server is down)');
        return send(503, 'key server down (demo)');
      }
      res.on('finish', () => keyFetch(res.statusCode));
    }
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        return send(200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ['RS256'],
        });
      case 'GET /.well-known/jwks.json': {
        // Cacheable, as a real issuer serves it: verifies need no request while the set is fresh,
        // then one revalidation (ETag → 304); a rotated key (unknown kid) triggers one refetch.
        const etag = `"keys-${generation}"`;
        const headers = { 'cache-control': `max-age=${keysMaxAge}`, etag };
        if (req.headers['if-none-match'] === etag) return send(304, '', headers);
        return send(200, jwks(), { ...headers, 'content-type': 'application/jwk-set+json' });
      }
      case 'GET /rs256.pub':
        return send(200, current.pem, { 'content-type': 'application/x-pem-file' });
      case 'POST /login': {
        const body = await readJson(req);
        const username = String(body.username ?? 'demo user').slice(0, 40);
        const ttl = Math.min(3600, Math.max(1, Number(body.ttl) || 300));
        return send(200, {
          access_token: await issue(username, ttl),
          token_type: 'Bearer',
          expires_in: ttl,
        });
      }
      case 'POST /sso/sign-in': {
        // A stand-in for an OpenID provider's code flow: an ID token bound to the request's nonce
        // and to the access token issued with it (at_hash, OIDC Core §3.1.3.6).
        const body = await readJson(req);
        const accessToken = await issue('SSO user', 300);
        const digest = createHash('sha256').update(accessToken).digest();
        const idToken = await new SignJWT({
          nonce: String(body.nonce ?? ''),
          auth_time: Math.floor(Date.now() / 1000),
          at_hash: digest.subarray(0, 16).toString('base64url'),
          azp: AUDIENCE,
          name: 'SSO user',
        })
          .setProtectedHeader({ alg: 'RS256', kid: current.kid })
          .setIssuer(issuer)
          .setAudience(AUDIENCE)
          .setSubject('sso-user')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(current.privateKey);
        log('sso         issued an ID token');
        return send(200, { id_token: idToken, access_token: accessToken });
      }
      case 'GET /api/profile':
        return profile(req, send);
      case 'POST /admin/rotate':
        current = await newKey();
        record(`rotate      new signing key ${current.kid}`, { kind: 'rotate', kid: current.kid });
        return send(200, state());
      case 'POST /admin/keys-down':
      case 'POST /admin/keys-up':
        keyServerDown = url.pathname.endsWith('down');
        record(`key server  ${keyServerDown ? 'down (answers 503)' : 'up'}`, {
          kind: 'key-server',
          keyServerDown,
        });
        return send(200, state());
      case 'GET /admin/state':
        return send(200, state(), { 'cache-control': 'no-store' });
      case 'GET /admin/log':
        // Server-sent events: the page's timeline shows each key request as the server saw it.
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': connected\n\n');
        watchers.add(res);
        req.on('close', () => watchers.delete(res));
        return;
    }
    if (req.method === 'GET') return serveStatic(url.pathname, res);
    return send(404, 'not found');
  }

  async function profile(req, send) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      record('api         /api/profile without a token → 401', { kind: 'api', status: 401 });
      return send(401, { error: 'missing token' }, { 'www-authenticate': 'Bearer' });
    }
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks()), {
        issuer,
        audience: AUDIENCE,
        algorithms: ['RS256'],
      });
      record(`api         verified token for ${payload.sub} → 200`, { kind: 'api', status: 200 });
      return send(200, {
        message: `Hello ${payload.name}, the API verified your token too.`,
        sub: payload.sub,
      });
    } catch (error) {
      record(`api         refused token (${error.code}) → 401`, { kind: 'api', status: 401 });
      return send(
        401,
        { error: 'invalid_token' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500).end(String(error?.message ?? error));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    url: issuer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  try {
    const value = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

async function serveStatic(pathname, res) {
  let file = STATIC[pathname];
  if (file === undefined) {
    const candidate = normalize(pathname.slice(1));
    if (STATIC_DIRS.some((dir) => candidate.startsWith(dir)) && !candidate.includes('..'))
      file = candidate;
  }
  if (file === undefined) return void res.writeHead(404).end('not found');
  try {
    const body = await readFile(join(root, file));
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  } catch {
    res.writeHead(404).end(file.startsWith('dist/') ? 'not built: run npm run build' : 'not found');
  }
}
