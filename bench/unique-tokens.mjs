// Scenario 1 in Node: N distinct RS256 tokens (2048-bit key), each verified once per round.
import * as jose from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import * as tokenward from '../dist/index.js';
import {
  AUDIENCE,
  FLOOR,
  ISSUER,
  JOSE_KEY,
  JOSE_SET,
  TOKENWARD,
  uniqueTokenContenders,
} from './lib/contenders.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { compare, each } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

export async function uniqueTokensNode({ count = 300, rounds = 31 } = {}) {
  const key = await makeKey('bench-rs');
  const tokens = await makeTokens(key, count);
  const contenders = await uniqueTokenContenders({ tokenward, jose, jwk: key.jwk, tokens });

  // Node-only libraries: both verify with node:crypto, synchronously on the main thread.
  const aws = JwtRsaVerifier.create({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: 'https://issuer.bench/jwks',
  });
  aws.cacheJwks({ keys: [key.jwk] });
  const fast = createFastJwtVerifier({
    key: key.spki,
    algorithms: ['RS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    cache: false,
  });
  await aws.verify(tokens[0]);
  fast(tokens[0]);
  contenders.push(
    { name: 'aws-jwt-verify JwtRsaVerifier', run: each((i) => aws.verify(tokens[i]), count) },
    { name: 'fast-jwt createVerifier({ key })', run: each((i) => fast(tokens[i]), count) },
  );

  const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50 });
  title(
    `1. Unique tokens, Node: ${count} distinct RS256 tokens (2048-bit key), each verified once per round; ${rounds} interleaved rounds, median`,
  );
  printTable(rows, FLOOR);
  printUniqueRatios(rows);
  console.log(
    '  aws-jwt-verify and fast-jwt verify with node:crypto on the main thread (no WebCrypto), hence faster than the WebCrypto floor',
  );
  return rows;
}

/** The headline ratios of scenario 1, shared with the Chromium run. */
export function printUniqueRatios(rows) {
  return {
    vsJose: printRatio(`tokenward ÷ ${JOSE_SET}`, rows, TOKENWARD, JOSE_SET, 1.15),
    vsJoseKey: printRatio(`tokenward ÷ ${JOSE_KEY}`, rows, TOKENWARD, JOSE_KEY),
    vsFloor: printRatio('tokenward ÷ floor', rows, TOKENWARD, FLOOR),
  };
}
