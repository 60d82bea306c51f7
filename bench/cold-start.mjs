// Scenario 3 (a, c): a cold key cache against a local JWKS server on 127.0.0.1, in this process.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import { createVerifier, jwks } from '../dist/index.js';
import { startJwksServer } from './lib/key-server.mjs';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';
import { spread } from './lib/measure.mjs';
import { fmt, title } from './lib/report.mjs';

// aws-jwt-verify fetches with node:https in Node; this fetcher lets it reach the http test server.
const fetcher = { fetch: async (uri) => (await fetch(uri)).arrayBuffer() };
const FETCH = 'floor: fetch(url) alone';

/** Each contender makes a verify(token) with a cold cache for `url`; cooldown is the unknown-kid back-off in s. */
const contenders = {
  [FETCH]: (url) => async () => (await fetch(url)).json(),
  tokenward: (url, cooldown = 30) => {
    const v = createVerifier({ keys: jwks(url, { cooldown }), issuer: ISSUER, audience: AUDIENCE });
    return (t) => v.verify(t);
  },
  'jose createRemoteJWKSet': (url, cooldown = 30) => {
    const set = createRemoteJWKSet(new URL(url), { cooldownDuration: cooldown * 1000 });
    return (t) => jwtVerify(t, set, { issuer: ISSUER, audience: AUDIENCE });
  },
  'aws-jwt-verify': (url, cooldown = 30) => {
    const jwksCache = new SimpleJwksCache({
      fetcher,
      penaltyBox: new SimplePenaltyBox({ waitSeconds: cooldown }),
    });
    const v = JwtRsaVerifier.create(
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: url },
      { jwksCache },
    );
    return (t) => v.verify(t);
  },
};

/**
 * 3a. From calling verify() (cold cache) to the key request reaching the server, both instants on
 * this process's performance.now(). Each sample gets a new server on a new port, so every
 * contender opens a new TCP connection, as a first request does; round 0 warms up and is dropped.
 * A spy on globalThis.fetch also notes when the library handed the request to the platform.
 */
async function sampleRequestDelay(key, token, rounds) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(
    names.map((n) => [n, { arrival: [], fetchCall: [], total: [] }]),
  );
  const platformFetch = globalThis.fetch;
  let fetchCalls = [];
  globalThis.fetch = function spy(...args) {
    fetchCalls.push(performance.now());
    return platformFetch.apply(this, args);
  };
  try {
    for (let round = -1; round < rounds; round++) {
      const shift = Math.max(round, 0);
      for (const name of names.map((_, i) => names[(i + shift) % names.length])) {
        const server = await startJwksServer({ keys: [key.jwk] });
        const verify = contenders[name](server.url);
        fetchCalls = [];
        const started = performance.now();
        await verify(token);
        const done = performance.now();
        await server.close();
        if (round < 0) continue;
        samples[name].arrival.push(server.arrivals[0] - started);
        if (fetchCalls.length) samples[name].fetchCall.push(fetchCalls[0] - started);
        samples[name].total.push(done - started);
      }
    }
  } finally {
    globalThis.fetch = platformFetch;
  }
  return samples;
}

async function requestDelay(key, token, rounds) {
  const samples = await sampleRequestDelay(key, token, rounds);
  title(
    `3a. Cold start, Node: calling verify() (cold key cache) → key request arrives at a server on 127.0.0.1; ${rounds} interleaved rounds, median (min–max)`,
  );
  console.log(
    `  ${'contender'.padEnd(26)} ${'→ fetch() called ms'.padStart(22)} ${'→ request arrived ms'.padStart(22)} ${'over floor ms'.padStart(15)} ${'→ verified ms'.padStart(20)}`,
  );
  const cell = (values) =>
    values.length
      ? `${fmt.ms(spread(values).median)} (${fmt.range(spread(values), fmt.ms)})`
      : 'not seen';
  const results = {};
  for (const [name, s] of Object.entries(samples)) {
    const over = spread(s.arrival.map((a, i) => a - samples[FETCH].arrival[i]));
    console.log(
      `  ${name.padEnd(26)} ${cell(s.fetchCall).padStart(22)} ${cell(s.arrival).padStart(22)} ${(name === FETCH ? '' : fmt.ms(over.median)).padStart(15)} ${cell(s.total).padStart(20)}`,
    );
    results[name] = { arrival: spread(s.arrival), overFloor: over };
  }
  const tw = results.tokenward;
  const verdict = (ms) => (ms <= 0.1 ? 'met' : 'NOT met');
  console.log(
    `  target ≤ 0.1 ms from verify() to the request: tokenward ${fmt.ms(tw.arrival.median)} ms, ${verdict(tw.arrival.median)} (a bare fetch alone takes ${fmt.ms(results[FETCH].arrival.median)} ms here); over the bare fetch ${fmt.ms(tw.overFloor.median)} ms (rounds ${fmt.range(tw.overFloor, fmt.ms)}), ${verdict(tw.overFloor.median)}`,
  );
  console.log(
    '  "over floor" is the per-round difference to a bare fetch(url); every sample opens a new TCP connection to a new server',
  );
  return results;
}

/** 3c. Requests a cold cache sends: 100 verifies at once, then 100 tokens with unknown kids. */
async function requestCounts(key) {
  const stranger = await makeKey('bench-stranger');
  const server = await startJwksServer({ keys: [key.jwk] });
  const tokens = await makeTokens(key, 100);
  const unknown = [];
  for (let i = 0; i < 100; i++)
    unknown.push((await makeTokens({ ...stranger, kid: `random-${i}` }, 1))[0]);
  title(
    '3c. Requests from a cold cache: 100 verifies at once; then 100 unknown kids (1 s back-off)',
  );
  console.log(
    `  ${'contender'.padEnd(26)} ${'100 at once'.padStart(12)} ${'100 unknown kids'.padStart(17)}`,
  );
  const results = {};
  for (const name of Object.keys(contenders).filter((n) => n !== FETCH)) {
    server.reset();
    const verify = contenders[name](server.url, 1);
    await Promise.all(tokens.map((t) => verify(t)));
    const concurrent = server.requests;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s back-off
    server.reset();
    await Promise.allSettled(unknown.map((t) => verify(t)));
    results[name] = { concurrent, unknownKids: server.requests };
    console.log(
      `  ${name.padEnd(26)} ${String(concurrent).padStart(12)} ${String(server.requests).padStart(17)}`,
    );
  }
  console.log(
    '  targets: 1 request for 100 concurrent cold verifies; 1 per back-off for unknown kids',
  );
  await server.close();
  return results;
}

export async function coldStart({ rounds = 21 } = {}) {
  const key = await makeKey('bench-cold');
  const [token] = await makeTokens(key, 1);
  return { delay: await requestDelay(key, token, rounds), counts: await requestCounts(key) };
}
