// A Deno server guarded by protectResource. Run:
//   deno run --allow-net --allow-env --allow-read server.ts
// with RESOURCE (this API's resource identifier), ISSUER, JWKS_URL and PORT in the environment.
import { createAccessTokenVerifier, jwks, protectResource } from 'tokenward';

const env = (name: string): string => {
  const value = Deno.env.get(name);
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const resource = env('RESOURCE');
const protect = protectResource({
  resource,
  verifier: createAccessTokenVerifier({
    issuer: env('ISSUER'),
    audience: resource,
    keys: jwks(env('JWKS_URL')),
  }),
  authorizationServers: [env('ISSUER')],
  scopes: ['read'],
});

Deno.serve({ hostname: '127.0.0.1', port: Number(env('PORT')) }, async (request) => {
  const metadata = protect.metadata(request);
  if (metadata) return metadata;
  const { pathname } = new URL(request.url);
  const result = await protect(request, pathname === '/write' ? { scopes: ['write'] } : {});
  if (!result.ok) return result.response;
  return Response.json({ sub: result.token.payload.sub, path: pathname });
});
