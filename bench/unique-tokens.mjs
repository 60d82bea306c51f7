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
import { NODE_FLOOR, nodeFloorContender } from './lib/node-floor.mjs';
import { compare, each } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

const AWS = 'aws-jwt-verify JwtRsaVerifier';
const FAST = 'fast-jwt createVerifier({ key }), no cache';
const WEB_BUILD = 'tokenward WebCrypto build (dist/index.js)';

export async function uniqueTokensNode({ count = 300, rounds = 31 } = {}) {
  const key = await makeKey('bench-rs');
  const tokens = await makeTokens(key, count);
  const contenders = await uniqueTokenContenders({ tokenward, jose, jwk: key.jwk, tokens });
  contenders.push(...(await nodeContenders(key, tokens)));
  const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50 });
  title(
    `1. Unique tokens, Node: ${count} distinct RS256 tokens (2048-bit key), each verified once per round; ${rounds} interleaved rounds, median`,
  );
  console.log(
    `  tokenward resolves to ${import.meta.resolve('tokenward').replace(/^.*\/dist\//, 'dist/')}`,
  );
  printTable(rows, NODE_FLOOR);
  printUniqueRatios(rows, { floor: NODE_FLOOR });
  printRatio(`tokenward ÷ ${AWS}`, rows, TOKENWARD, AWS, 1.25);
  printRatio(`${AWS} ÷ floor`, rows, AWS, NODE_FLOOR);
  printRatio(`tokenward ÷ ${FAST}`, rows, TOKENWARD, FAST, 1.0);
  printRatio(`tokenward ÷ ${WEB_BUILD}`, rows, TOKENWARD, WEB_BUILD);
  printRatio(`tokenward ÷ ${FLOOR}`, rows, TOKENWARD, FLOOR);
  console.log(
    `  the floor here is node:crypto's verify (the runtime's fastest check); "${FLOOR}" runs on Node's thread pool and swings from run to run, so it is listed, not divided by`,
  );
  return rows;
}

/**
 * The contenders only Node has: aws-jwt-verify and fast-jwt (both node:crypto, synchronous on the
 * main thread), tokenward's WebCrypto build, and the bare node:crypto check.
 */
async function nodeContenders(key, tokens) {
  const count = tokens.length;
  const web = webBuild.createVerifier({
    keys: webBuild.localJwks({ keys: [key.jwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
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
  await Promise.all([web.verify(tokens[0]), aws.verify(tokens[0])]);
  fast(tokens[0]);
  return [
    { name: AWS, run: each((i) => aws.verify(tokens[i]), count) },
    { name: FAST, run: each((i) => fast(tokens[i]), count) },
    { name: WEB_BUILD, run: each((i) => web.verify(tokens[i]), count) },
    nodeFloorContender(key.jwk, tokens),
  ];
}

/**
 * The headline ratios of scenario 1, shared with the Chromium, Bun and Deno runs; targets are
 * issue 20's (Chromium's x floor and x jose key set), none where the issue sets none.
 */
export function printUniqueRatios(rows, { floor = FLOOR, floorTarget, joseTarget } = {}) {
  return {
    vsJose: printRatio(`tokenward ÷ ${JOSE_SET}`, rows, TOKENWARD, JOSE_SET, joseTarget),
    vsJoseKey: printRatio(`tokenward ÷ ${JOSE_KEY}`, rows, TOKENWARD, JOSE_KEY),
    vsFloor: printRatio('tokenward ÷ floor', rows, TOKENWARD, floor, floorTarget),
  };
}
