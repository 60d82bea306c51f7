// The contenders of scenarios 1 and 2, written once and run both in Node and in the Chromium page.
// The libraries come in as parameters (Node imports dist/index.js and jose; the page gets the same
// files through its import map), so only the public API of tokenward is used.
import { each } from './measure.mjs';

export const ISSUER = 'https://issuer.bench';
export const AUDIENCE = 'bench';
export const FLOOR = 'floor: crypto.subtle.verify';
export const TOKENWARD = 'tokenward (localJwks, memo: false)';
export const TOKENWARD_MEMO = 'tokenward (memo hit)';
export const JOSE_SET = 'jose jwtVerify + createLocalJWKSet';
export const JOSE_KEY = 'jose jwtVerify + imported CryptoKey';

const RS256 = { name: 'RSASSA-PKCS1-v1_5' };
const encoder = new TextEncoder();

function base64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** What the floor verifies: signing input and signature, decoded before the clock starts. */
export function splitForFloor(token) {
  const last = token.lastIndexOf('.');
  return {
    data: encoder.encode(token.slice(0, last)),
    signature: base64url(token.slice(last + 1)),
  };
}

/**
 * Scenario 1: distinct RS256 tokens, each verified once per round; no contender can remember one.
 * @param {{ tokenward: any, jose: any, jwk: object, tokens: string[] }} input
 */
export async function uniqueTokenContenders({ tokenward, jose, jwk, tokens }) {
  const count = tokens.length;
  const publicKey = await jose.importJWK(jwk, 'RS256');
  const floor = tokens.map(splitForFloor);
  const set = { keys: [jwk] };
  const verifier = tokenward.createVerifier({
    keys: tokenward.localJwks(set),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
  const joseSet = jose.createLocalJWKSet(set);
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
  await sanityCheck(publicKey, floor[0], [
    () => verifier.verify(tokens[0]),
    () => jose.jwtVerify(tokens[0], joseSet, options),
  ]);
  return [
    {
      name: FLOOR,
      run: each(
        (i) => crypto.subtle.verify(RS256, publicKey, floor[i].signature, floor[i].data),
        count,
      ),
    },
    { name: TOKENWARD, run: each((i) => verifier.verify(tokens[i]), count) },
    { name: JOSE_SET, run: each((i) => jose.jwtVerify(tokens[i], joseSet, options), count) },
    { name: JOSE_KEY, run: each((i) => jose.jwtVerify(tokens[i], publicKey, options), count) },
  ];
}

/**
 * Scenario 2: one token again and again, as an SPA attaches it to every request. tokenward keeps
 * its default memo; it runs many more operations per round so that its round lasts milliseconds
 * too (a browser's performance.now() is coarse).
 * @param {{ tokenward: any, jose: any, jwk: object, token: string, memoOps: number }} input
 */
export async function repeatedTokenContenders({ tokenward, jose, jwk, token, memoOps }) {
  const publicKey = await jose.importJWK(jwk, 'RS256');
  const floor = splitForFloor(token);
  const set = { keys: [jwk] };
  const verifier = tokenward.createVerifier({
    keys: tokenward.localJwks(set),
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const joseSet = jose.createLocalJWKSet(set);
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
  await sanityCheck(publicKey, floor, [() => verifier.verify(token)]);
  return [
    {
      name: FLOOR,
      run: each(() => crypto.subtle.verify(RS256, publicKey, floor.signature, floor.data), 1),
    },
    { name: TOKENWARD_MEMO, ops: memoOps, run: each(() => verifier.verify(token), 1) },
    { name: JOSE_SET, run: each(() => jose.jwtVerify(token, joseSet, options), 1) },
    { name: JOSE_KEY, run: each(() => jose.jwtVerify(token, publicKey, options), 1) },
  ];
}

/** A benchmark of verifiers that refuse the token would measure the error path: fail loudly instead. */
async function sanityCheck(publicKey, floor, verifies) {
  if (!(await crypto.subtle.verify(RS256, publicKey, floor.signature, floor.data)))
    throw new Error('the floor does not verify the bench token');
  for (const verify of verifies) await verify();
}
