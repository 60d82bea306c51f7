// Scenario 1 inside Bun or Deno (spawned by bench/other-runtimes.mjs): the floors, tokenward as
// the package's export conditions give it to this runtime, both builds by path (so the README can
// say why the condition picks one), and jose. Input: a JSON file of { jwk, tokens, rounds };
// prints RESULT and the rows as JSON.
import * as jose from 'jose';
import * as tokenward from 'tokenward';
import * as webBuild from '../../dist/index.js';
import * as nodeBuild from '../../dist/node/index.js';
import { AUDIENCE, ISSUER, TOKENWARD, uniqueTokenContenders } from '../lib/contenders.mjs';
import { compare, each } from '../lib/measure.mjs';
import { nodeFloorContender } from '../lib/node-floor.mjs';

const file = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2];
const { jwk, tokens, rounds } = JSON.parse(
  globalThis.Deno ? await globalThis.Deno.readTextFile(file) : await Bun.file(file).text(),
);
const count = tokens.length;
const contenders = await uniqueTokenContenders({ tokenward, jose, jwk, tokens });
// Both runtimes have node:crypto: its verify is the floor there, as in Node.
contenders.push(nodeFloorContender(jwk, tokens));
for (const [name, build] of [
  ['tokenward dist/index.js (WebCrypto)', webBuild],
  ['tokenward dist/node/index.js (node:crypto)', nodeBuild],
]) {
  const verifier = build.createVerifier({
    keys: build.localJwks({ keys: [jwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
  await verifier.verify(tokens[0]);
  contenders.push({ name, run: each((i) => verifier.verify(tokens[i]), count) });
}
// Bun collects with Bun.gc; Deno exposes gc() under --v8-flags=--expose-gc.
const gc = globalThis.Bun ? () => globalThis.Bun.gc(true) : globalThis.gc;
const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50, gc });
const resolved = import.meta.resolve('tokenward').replace(/^.*\/dist\//, 'dist/');
console.log(`RESULT ${JSON.stringify({ resolved, tokenward: TOKENWARD, rows })}`);
