// A Hono app guarded by protectResource, used as middleware through c.req.raw (the standard
// Request Hono wraps). A refusal is returned as protectResource built it (status,
// WWW-Authenticate, Cache-Control: no-store), and the verified token is set on the context.
import { Hono } from 'hono';
import { createAccessTokenVerifier, jwks, protectResource } from 'tokenward';

/** Middleware: the route goes on only with a verified token, found at c.get('token'). */
export function requireToken(protect, checks = {}) {
  return async (c, next) => {
    const result = await protect(c.req.raw, checks);
    if (!result.ok) return result.response;
    c.set('token', result.token);
    await next();
  };
}

/** The app: RFC 9728 metadata, `/read` (scope `read`) and `/write` (`read` and `write`). */
export function createApp({ resource, issuer, jwksUrl }) {
  const protect = protectResource({
    resource,
    verifier: createAccessTokenVerifier({ issuer, audience: resource, keys: jwks(jwksUrl) }),
    authorizationServers: [issuer],
    scopes: ['read'],
  });
  const app = new Hono();
  // The metadata URL is built from `resource` (the public name), so match it before any route.
  app.use('*', async (c, next) => protect.metadata(c.req.raw) ?? next());
  const answer = (c) => c.json({ sub: c.get('token').payload.sub, path: c.req.path });
  app.get('/read', requireToken(protect), answer);
  app.get('/write', requireToken(protect, { scopes: ['write'] }), answer);
  return app;
}
