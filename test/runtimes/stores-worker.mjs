// A Cloudflare Worker for test/e2e/workers-stores.test.ts (run by miniflare): each request makes
// a new verifier, as a new isolate would, over kvStore(env.KEYS) or cacheApiStore(), so only
// the store carries the key set from one request to the next.
import { cacheApiStore, createVerifier, jwks, kvStore } from 'tokenward';

const ENTRY_URL = 'https://tokenward.invalid/key-sets/';

export default {
  async fetch(request, env) {
    const { keyUrl, token, store, poison, issuer, audience } = await request.json();
    const id = `jwks:${keyUrl}`;
    if (poison !== undefined) {
      if (store === 'kv') await env.KEYS.put(id, poison);
      else await caches.default.put(ENTRY_URL + encodeURIComponent(id), new Response(poison));
    }
    const verifier = createVerifier({
      keys: jwks(keyUrl, { retry: 0, timeout: 2 }),
      issuer,
      audience,
      cache: store === 'kv' ? kvStore(env.KEYS) : cacheApiStore(),
    });
    const outcome = await verifier.verify(token).then(
      () => 'ok',
      (error) => error.code ?? String(error),
    );
    return Response.json({ outcome });
  },
};
