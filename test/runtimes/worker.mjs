// A Cloudflare Worker bundling the ESM build: runs the scenario, and verifies on request with one
// verifier shared by all requests (cold cache) to prove concurrent cold verifies all succeed.
import * as tokenward from 'tokenward'; // resolved with the workerd conditions (test/helpers/workerd.ts)
import { runScenario } from './scenario.mjs';

let shared;

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/__ready') return new Response('ready');
    const input = await request.json();
    if (pathname === '/scenario') return Response.json(await runScenario(tokenward, input));
    shared ??= tokenward.createVerifier({
      keys: tokenward.jwks(`${input.keyServer}/jwks`, { timeout: 2, retry: 0 }),
      issuer: input.issuer,
      audience: input.audience,
      memo: false,
    });
    try {
      const { payload } = await shared.verify(input.tokens.valid);
      return new Response(`verified ${payload.sub}`);
    } catch (error) {
      return new Response(`refused ${error.code ?? error}`, { status: 500 });
    }
  },
};
