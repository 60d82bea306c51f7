// The floor where node:crypto exists (Node, Bun, Deno): the runtime's fastest signature check,
// crypto.verify with a KeyObject made beforehand and the token split and decoded before the
// clock starts. WebCrypto is no floor there: Node runs it on its thread pool, and interleaved
// with synchronous contenders its time swings 43-80 µs from run to run (issue 20).
import { createPublicKey, verify } from 'node:crypto';
import { splitForFloor } from './contenders.mjs';
import { each } from './measure.mjs';

export const NODE_FLOOR = 'floor: node:crypto verify (cached KeyObject)';

/** The node:crypto floor over `tokens` (RS256), checked once so it never measures a refusal. */
export function nodeFloorContender(jwk, tokens) {
  const keyObject = createPublicKey({ key: jwk, format: 'jwk' });
  const split = tokens.map(splitForFloor);
  const bare = (i) => verify('sha256', split[i].data, keyObject, split[i].signature);
  if (!bare(0)) throw new Error('node:crypto does not verify the bench token');
  return { name: NODE_FLOOR, run: each((i) => bare(i), tokens.length) };
}
