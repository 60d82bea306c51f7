// A Cloudflare Worker for test/e2e/mitm-runtimes.test.ts (run by workerd): one pinned verifier
// per isolate, as a Worker keeps it at module scope, whose keys come from http://idp.test through
// a MITM proxy; a kvStore that a test can plant an entry in; a clock the test moves forward.
import { createVerifier, jwks, kvStore, signedJwks } from 'tokenward';

const kv = new Map();
const plantedKv = {
  get: (key) => kv.get(key) ?? null,
  put: (key, value) => void kv.set(key, value),
  delete: (key) => void kv.delete(key),
};
let offset = 0;
let verifiers;

function setUp({ idp, proxy, pins, anchors, issuer, audience }) {
  const remote = {
    retry: 0,
    cooldown: 1,
    maxAge: 10,
    fetch: (url, init) => fetch(url.replace(idp, proxy), init),
  };
  const common = { issuer, audience, clock: () => Date.now() + offset };
  let unpinned;
  try {
    jwks(`${idp}/jwks`, remote);
    unpinned = 'accepted';
  } catch (error) {
    unpinned = `${error.name}: ${error.message}`;
  }
  return {
    unpinned,
    pinned: createVerifier({
      ...common,
      keys: jwks(`${idp}/jwks`, { ...remote, pins }),
      cache: kvStore(plantedKv),
    }),
    signed: createVerifier({
      ...common,
      keys: signedJwks(`${idp}/signed`, { ...remote, anchors, issuer }),
    }),
  };
}

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/__ready') return new Response('ok');
    const input = await request.json();
    if (input.plant !== undefined) kv.set(input.plant.id, JSON.stringify(input.plant.entry));
    verifiers ??= setUp(input);
    offset += input.advance ?? 0;
    const outcome = {};
    for (const [name, token] of Object.entries(input.tokens))
      for (const which of ['pinned', 'signed'])
        outcome[`${which} ${name}`] = await verifiers[which].verify(token).then(
          (v) => `OK ${v.payload.sub}`,
          (error) => error.code ?? String(error),
        );
    return Response.json({ outcome, unpinned: verifiers.unpinned });
  },
};
