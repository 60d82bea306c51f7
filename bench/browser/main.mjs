// The Chromium side of scenarios 1 and 2: the same contenders as in Node, measured in the page;
// the samples go back to Node, which prints them. Fixtures (key, tokens) come from Node.
import * as tokenward from 'tokenward';
import * as jose from 'jose';
import { repeatedTokenContenders, uniqueTokenContenders } from '/bench/lib/contenders.mjs';
import { compare } from '/bench/lib/measure.mjs';

window.bench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  unique: async ({ jwk, tokens, rounds }) =>
    compare(await uniqueTokenContenders({ tokenward, jose, jwk, tokens }), {
      rounds,
      ops: tokens.length,
      blocks: tokens.length / 50,
    }),
  repeated: async ({ jwk, token, ops, memoOps, rounds }) =>
    compare(await repeatedTokenContenders({ tokenward, jose, jwk, token, memoOps }), {
      rounds,
      ops,
      blocks: 5,
    }),
};
window.benchReady = true;
