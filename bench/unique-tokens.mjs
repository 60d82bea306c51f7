// Scenario 1 in Node: N distinct RS256 tokens (2048-bit key), each verified once per round.
// tokenward comes in by package name, so Node's `node` export condition picks its build
// (dist/node/index.js, node:crypto); the WebCrypto build runs beside it for comparison.
import * as jose from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import * as tokenward from 'tokenward';
import * as webBuild from '../dist/index.js';
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
  const web = webBuild.createVerifier({
    keys: webBuild.localJwks({ keys: [key.jwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
  await web.verify(tokens[0]);

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
    { name: AWS, run: each((i) => aws.verify(tokens[i]), count) },
    { name: FAST, run: each((i) => fast(tokens[i]), count) },
    { name: WEB_BUILD, run: each((i) => web.verify(tokens[i]), count) },
  );

  const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50 });
  title(
    `1. Unique tokens, Node: ${count} distinct RS256 tokens (2048-bit key), each verified once per round; ${rounds} interleaved rounds, median`,
  );
  console.log(
    `  tokenward resolves to ${import.meta.resolve('tokenward').replace(/^.*\/dist\//, 'dist/')}`,
  );
  printTable(rows, FLOOR);
  printUniqueRatios(rows, 3);
  printRatio(`tokenward ÷ ${AWS}`, rows, TOKENWARD, AWS, 1.1);
  printRatio(`tokenward ÷ ${FAST}`, rows, TOKENWARD, FAST, 1.0);
  printRatio(`tokenward ÷ ${WEB_BUILD}`, rows, TOKENWARD, WEB_BUILD);
  console.log(
    '  tokenward (node condition), aws-jwt-verify and fast-jwt verify with node:crypto on the main thread, hence faster than the WebCrypto floor',
  );
  return rows;
}

const AWS = 'aws-jwt-verify JwtRsaVerifier';
const FAST = 'fast-jwt createVerifier({ key }), no cache';
const WEB_BUILD = 'tokenward WebCrypto build (dist/index.js)';

/** The headline ratios of scenario 1, shared with the Chromium, Bun and Deno runs. */
export function printUniqueRatios(rows, floorTarget) {
  return {
    vsJose: printRatio(`tokenward ÷ ${JOSE_SET}`, rows, TOKENWARD, JOSE_SET, 1.15),
    vsJoseKey: printRatio(`tokenward ÷ ${JOSE_KEY}`, rows, TOKENWARD, JOSE_KEY),
    vsFloor: printRatio('tokenward ÷ floor', rows, TOKENWARD, FLOOR, floorTarget),
  };
}
