// Scenario 1 in Node: N distinct RS256 tokens (2048-bit key), each verified once per round.
// tokenward comes in by package name, so Node's `node` export condition picks its build
// (dist/node/index.js, node:crypto); the WebCrypto build runs beside it for comparison.
import { createPublicKey, verify } from 'node:crypto';
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
  splitForFloor,
  uniqueTokenContenders,
} from './lib/contenders.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { compare, each } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

const AWS = 'aws-jwt-verify JwtRsaVerifier';
const FAST = 'fast-jwt createVerifier({ key }), no cache';
const WEB_BUILD = 'tokenward WebCrypto build (dist/index.js)';
const NODE_FLOOR = 'node:crypto verify alone (KeyObject)';

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
  printTable(rows, FLOOR);
  printUniqueRatios(rows, 3);
  printRatio(`tokenward ÷ ${AWS}`, rows, TOKENWARD, AWS, 1.1);
  printRatio(`tokenward ÷ ${FAST}`, rows, TOKENWARD, FAST, 1.0);
  printRatio(`tokenward ÷ ${WEB_BUILD}`, rows, TOKENWARD, WEB_BUILD);
  printRatio(`tokenward ÷ ${NODE_FLOOR}`, rows, TOKENWARD, NODE_FLOOR);
  console.log(
    `  tokenward (node condition), aws-jwt-verify and fast-jwt verify with node:crypto on the main thread, hence faster than the WebCrypto floor; "${NODE_FLOOR}" is the signature check with nothing else (decoded beforehand)`,
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
  const keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
  const split = tokens.map(splitForFloor);
  const bare = (i) => verify('sha256', split[i].data, keyObject, split[i].signature);
  await Promise.all([web.verify(tokens[0]), aws.verify(tokens[0])]);
  fast(tokens[0]);
  if (!bare(0)) throw new Error('node:crypto does not verify the bench token');
  return [
    { name: AWS, run: each((i) => aws.verify(tokens[i]), count) },
    { name: FAST, run: each((i) => fast(tokens[i]), count) },
    { name: WEB_BUILD, run: each((i) => web.verify(tokens[i]), count) },
    { name: NODE_FLOOR, run: each((i) => Promise.resolve(bare(i)), count) },
  ];
}

/** The headline ratios of scenario 1, shared with the Chromium, Bun and Deno runs. */
export function printUniqueRatios(rows, floorTarget) {
  return {
    vsJose: printRatio(`tokenward ÷ ${JOSE_SET}`, rows, TOKENWARD, JOSE_SET, 1.15),
    vsJoseKey: printRatio(`tokenward ÷ ${JOSE_KEY}`, rows, TOKENWARD, JOSE_KEY),
    vsFloor: printRatio('tokenward ÷ floor', rows, TOKENWARD, FLOOR, floorTarget),
  };
}
