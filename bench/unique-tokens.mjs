// Scenario 1: N distinct RS256 tokens (2048-bit key), each verified once.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { createVerifier, localJwks } from '../dist/index.js';
import { compare, printTable } from './lib/measure.mjs';
import { AUDIENCE, floorInputs, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';

const ALG = { name: 'RSASSA-PKCS1-v1_5' };

export async function uniqueTokens({ count = 300, rounds = 11 } = {}) {
  const key = await makeKey('bench-rs');
  const tokens = await makeTokens(key, count);
  const floor = floorInputs(tokens);
  const jwks = { keys: [key.jwk] };

  const tokenward = createVerifier({
    keys: localJwks(jwks),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
  const joseKeys = createLocalJWKSet(jwks);
  const aws = JwtRsaVerifier.create({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: 'https://issuer.bench/jwks',
  });
  aws.cacheJwks(jwks);

  const each = (fn) => async (ops) => {
    for (let i = 0; i < ops; i++) await fn(i % count);
  };
  const rows = await compare(
    [
      {
        name: 'floor: crypto.subtle.verify',
        run: each((i) =>
          crypto.subtle.verify(ALG, key.publicKey, floor[i].signature, floor[i].data),
        ),
      },
      { name: 'tokenward (memo: false)', run: each((i) => tokenward.verify(tokens[i])) },
      {
        name: 'jose.jwtVerify + local JWKS',
        run: each((i) =>
          jwtVerify(tokens[i], joseKeys, {
            issuer: ISSUER,
            audience: AUDIENCE,
            algorithms: ['RS256'],
          }),
        ),
      },
      { name: 'aws-jwt-verify JwtRsaVerifier', run: each((i) => aws.verify(tokens[i])) },
    ],
    { rounds, ops: count },
  );
  printTable(
    `1. Unique tokens: ${count} distinct RS256 tokens, ${rounds} interleaved rounds (median)`,
    rows,
    'floor: crypto.subtle.verify',
  );
  const by = Object.fromEntries(rows.map((r) => [r.name, r.nsPerOp]));
  console.log(
    `  tokenward vs jose: ${(by['jose.jwtVerify + local JWKS'] / by['tokenward (memo: false)']).toFixed(2)} × (target ≥ 1.0)`,
  );
  await profileGap(tokens, rounds);
  return rows;
}

/** Where the time beyond the floor goes: each step of a verify, timed alone. */
async function profileGap(tokens, rounds) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const count = tokens.length;
  const steps = [
    { name: 'split + base64url-decode header', run: (i) => decodeProtectedHeader(tokens[i]) },
    {
      name: 'decode + JSON.parse payload',
      run: (i) => JSON.parse(decoder.decode(Buffer.from(tokens[i].split('.')[1], 'base64url'))),
    },
    {
      name: 'encode signing input',
      run: (i) => encoder.encode(tokens[i].slice(0, tokens[i].lastIndexOf('.'))),
    },
    {
      name: 'decode signature',
      run: (i) => Buffer.from(tokens[i].slice(tokens[i].lastIndexOf('.') + 1), 'base64url'),
    },
    { name: 'await of an already-resolved promise', run: async () => await undefined },
  ];
  const rows = await compare(
    steps.map((s) => ({
      name: s.name,
      run: async (ops) => {
        for (let i = 0; i < ops; i++) await s.run(i % count);
      },
    })),
    { rounds, ops: count },
  );
  console.log('  profile of the gap (each step alone, µs/op):');
  for (const row of rows)
    console.log(`    ${row.name.padEnd(40)} ${(row.nsPerOp / 1000).toFixed(2)}`);
}
