// A Cloudflare Worker that verifies the bearer token of every incoming request before answering.
// Configure JWKS_URL, ISSUER and AUDIENCE as vars (wrangler.toml).
import { createVerifier, isVerificationError, jwks } from 'tokenward';

let verifier;

export default {
  async fetch(request, env) {
    // One verifier per isolate: its key cache serves every request the isolate handles.
    verifier ??= createVerifier({
      keys: jwks(env.JWKS_URL),
      issuer: env.ISSUER,
      audience: env.AUDIENCE,
    });
    const token = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (token === undefined) {
      return Response.json(
        { error: 'missing bearer token' },
        { status: 401, headers: { 'www-authenticate': 'Bearer' } },
      );
    }
    try {
      const { payload } = await verifier.verify(token);
      return Response.json({ hello: payload.sub });
    } catch (error) {
      if (!isVerificationError(error)) throw error;
      const status = error.code === 'ERR_KEY_FETCH_FAILED' ? 503 : 401;
      return Response.json(
        { error: error.code },
        {
          status,
          headers: status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {},
        },
      );
    }
  },
};
