// Scenario 2: the same token again and again, as an SPA attaches it to every request.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createVerifier, localJwks } from '../dist/index.js';
import { compare, printTable } from './lib/measure.mjs';
import { AUDIENCE, floorInputs, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';

export async function repeatedToken({ ops = 2000, rounds = 7 } = {}) {
  const key = await makeKey('bench-repeat');
  const [token] = await makeTokens(key, 1);
  const [floor] = floorInputs([token]);
  const jwks = { keys: [key.jwk] };
  const tokenward = createVerifier({ keys: localJwks(jwks), issuer: ISSUER, audience: AUDIENCE });
  const joseKeys = createLocalJWKSet(jwks);
  const loop = (fn) => async (n) => {
    for (let i = 0; i < n; i++) await fn();
  };
  const rows = await compare(
    [
      {
        name: 'floor: crypto.subtle.verify',
        run: loop(() =>
          crypto.subtle.verify('RSASSA-PKCS1-v1_5', key.publicKey, floor.signature, floor.data),
        ),
      },
      { name: 'tokenward (memo hit)', run: loop(() => tokenward.verify(token)) },
      {
        name: 'jose.jwtVerify + local JWKS',
        run: loop(() => jwtVerify(token, joseKeys, { issuer: ISSUER, audience: AUDIENCE })),
      },
    ],
    { rounds, ops },
  );
  printTable(
    `2. The same token ${ops} times per round, ${rounds} rounds (median)`,
    rows,
    'floor: crypto.subtle.verify',
  );
  console.log('  target: tokenward ≥ 50 × the floor');
  return rows;
}
