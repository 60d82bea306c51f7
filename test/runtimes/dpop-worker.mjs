// A Cloudflare Worker bundling the ESM build: runs the DPoP scenario, and serves an API that
// checks each request with createDpopVerifier, its proof ids kept in a store shared by every
// isolate (env.REPLAY, an HTTP service standing in for KV or Redis).
import * as tokenward from '../../dist/index.js';
import { runDpopScenario } from './dpop-scenario.mjs';

let api;

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/__ready') return new Response('ready');
    if (pathname === '/scenario')
      return Response.json(await runDpopScenario(tokenward, await request.json()));
    api ??= tokenward.createDpopVerifier({
      verifier: tokenward.createVerifier({
        keys: tokenward.localJwks(JSON.parse(env.JWK)),
        issuer: env.ISSUER,
        audience: env.AUDIENCE,
      }),
      replay: {
        async add(id, ttlSeconds) {
          const response = await fetch(`${env.REPLAY}/add`, {
            method: 'POST',
            body: JSON.stringify({ id, ttlSeconds }),
          });
          if (!response.ok) throw new Error(`replay store answered ${response.status}`);
          return (await response.json()).added;
        },
      },
    });
    try {
      // Isolates sit behind one public origin: the proof's htu names it, not this isolate's port.
      const url = new URL(pathname, env.PUBLIC_ORIGIN).href;
      const { payload, jkt } = await api.verify({
        method: request.method,
        url,
        headers: request.headers,
      });
      return Response.json({ isolate: env.NAME, sub: payload.sub, jkt });
    } catch (error) {
      return Response.json(
        { isolate: env.NAME, code: error.code, claim: error.claim ?? null },
        { status: 401 },
      );
    }
  },
};
