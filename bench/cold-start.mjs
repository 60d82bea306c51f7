// Scenario 3: a cold cache fetching from a local JWKS server; request counts under load.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import { createVerifier, jwks } from '../dist/index.js';
import { median } from './lib/measure.mjs';
import { startJwksServer } from './lib/key-server.mjs';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';

// aws-jwt-verify fetches with node:https in Node; this fetcher lets it reach the http test server.
const fetcher = { fetch: async (uri) => (await fetch(uri)).arrayBuffer() };

export async function coldStart({ rounds = 9 } = {}) {
  const key = await makeKey('bench-cold');
  const stranger = await makeKey('bench-stranger');
  const server = await startJwksServer({ keys: [key.jwk] });
  const tokens = await makeTokens(key, 100);
  const unknown = [];
  for (let i = 0; i < 100; i++)
    unknown.push((await makeTokens({ ...stranger, kid: `random-${i}` }, 1))[0]);

  // Each library's unknown-kid back-off set to 1 s, so the flood below starts past it.
  const contenders = {
    tokenward: () => {
      const v = createVerifier({
        keys: jwks(server.url, { cooldown: 1 }),
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return (t) => v.verify(t);
    },
    'jose createRemoteJWKSet': () => {
      const set = createRemoteJWKSet(new URL(server.url), { cooldownDuration: 1000 });
      return (t) => jwtVerify(t, set, { issuer: ISSUER, audience: AUDIENCE });
    },
    'aws-jwt-verify': () => {
      const jwksCache = new SimpleJwksCache({
        fetcher,
        penaltyBox: new SimplePenaltyBox({ waitSeconds: 1 }),
      });
      const v = JwtRsaVerifier.create(
        { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url },
        { jwksCache },
      );
      return (t) => v.verify(t);
    },
  };

  console.log(
    `\n3. Cold start through a local JWKS server on 127.0.0.1 (${rounds} rounds, median)`,
  );
  console.log(
    `  ${'contender'.padEnd(26)} ${'first token ms'.padStart(15)} ${'requests: 100 at once'.padStart(22)} ${'requests: 100 unknown kids'.padStart(27)}`,
  );
  // Interleaved: each round times every contender once, rotating the order; round 0 only warms up.
  const names = Object.keys(contenders);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const verify = contenders[name]();
      const started = performance.now();
      await verify(tokens[0]);
      if (r > 0) times[name].push(performance.now() - started);
    }
  }
  const results = {};
  for (const [name, make] of Object.entries(contenders)) {
    server.reset();
    const verify = make();
    await Promise.all(tokens.map((t) => verify(t)));
    const concurrent = server.requests;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s back-off
    server.reset();
    await Promise.allSettled(unknown.map((t) => verify(t)));
    const unknownKids = server.requests;
    const firstMs = median(times[name]);
    results[name] = { firstMs, concurrent, unknownKids };
    console.log(
      `  ${name.padEnd(26)} ${firstMs.toFixed(2).padStart(15)} ${String(concurrent).padStart(22)} ${String(unknownKids).padStart(27)}`,
    );
  }
  console.log(
    '  targets: 1 request for 100 concurrent cold verifies; 1 per cooldown for 100 unknown kids',
  );
  await server.close();
  return results;
}
