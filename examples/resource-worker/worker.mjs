// A Cloudflare Worker guarded by protectResource: the RFC 9728 metadata document, and RFC 6750 /
// RFC 9728 challenges for every refused request. Configure RESOURCE (this API's resource
// identifier), ISSUER and JWKS_URL as vars (wrangler.toml).
import { createAccessTokenVerifier, jwks, protectResource } from 'tokenward';

let protect;

export default {
  async fetch(request, env) {
    // One guard per isolate: its verifier's key cache serves every request the isolate handles.
    protect ??= protectResource({
      resource: env.RESOURCE,
      verifier: createAccessTokenVerifier({
        issuer: env.ISSUER,
        audience: env.RESOURCE,
        keys: jwks(env.JWKS_URL),
      }),
      authorizationServers: [env.ISSUER],
      scopes: ['read'],
    });
    const metadata = protect.metadata(request);
    if (metadata) return metadata;
    const { pathname } = new URL(request.url);
    const result = await protect(request, pathname === '/write' ? { scopes: ['write'] } : {});
    if (!result.ok) return result.response;
    return Response.json({ sub: result.token.payload.sub, path: pathname });
  },
};
