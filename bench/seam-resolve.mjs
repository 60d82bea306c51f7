// Scenario 1s, Node: how the node:crypto seam should hand back its synchronous answer
// (src/crypto/verify-node.ts keeps the Promise<boolean> interface of the WebCrypto seam).
// The same RS256 checks with the same KeyObject, awaited one by one as the verifier awaits them.
import { createPublicKey, verify } from 'node:crypto';
import { FLOOR, splitForFloor } from './lib/contenders.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { compare, each } from './lib/measure.mjs';
import { printTable, title } from './lib/report.mjs';

export async function seamResolve({ count = 300, rounds = 21 } = {}) {
  const key = await makeKey('bench-seam');
  const inputs = (await makeTokens(key, count)).map(splitForFloor);
  const keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
  const check = (i) => verify('sha256', inputs[i].data, keyObject, inputs[i].signature);
  const cryptoKey = await crypto.subtle.importKey(
    'jwk',
    key.jwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const ways = {
    [FLOOR]: (i) =>
      crypto.subtle.verify('RSASSA-PKCS1-v1_5', cryptoKey, inputs[i].signature, inputs[i].data),
    'Promise.resolve(verify()) (chosen)': (i) => Promise.resolve(check(i)),
    'async function': async (i) => check(i),
    'queueMicrotask, then verify': (i) =>
      new Promise((resolve) => queueMicrotask(() => resolve(check(i)))),
    'setImmediate, then verify': (i) =>
      new Promise((resolve) => setImmediate(() => resolve(check(i)))),
  };
  for (const [name, way] of Object.entries(ways))
    if (!(await way(0))) throw new Error(`${name} does not verify the bench token`);
  const contenders = Object.entries(ways).map(([name, way]) => ({
    name,
    run: each(async (i) => {
      if (!(await way(i))) throw new Error('refused');
    }, count),
  }));
  const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50 });
  title(
    `1s. The node:crypto seam, Node: ${count} RS256 signature checks per round, one KeyObject, ways to resolve the Promise; ${rounds} interleaved rounds, median`,
  );
  printTable(rows, FLOOR);
  return rows;
}
