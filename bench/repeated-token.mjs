// Scenario 2 in Node: the same token again and again, as an SPA attaches it to every request.
import * as jose from 'jose';
import * as tokenward from 'tokenward'; // the node condition: dist/node/index.js
import { FLOOR, repeatedTokenContenders, TOKENWARD_MEMO } from './lib/contenders.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { compare } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

export async function repeatedTokenNode({ ops = 300, memoOps = 100_000, rounds = 21 } = {}) {
  const key = await makeKey('bench-repeat');
  const [token] = await makeTokens(key, 1);
  const contenders = await repeatedTokenContenders({
    tokenward,
    jose,
    jwk: key.jwk,
    token,
    memoOps,
  });
  const rows = await compare(contenders, { rounds, ops, blocks: 5 });
  title(
    `2. Memo hit, Node: the same token, ${ops} verifies per round (tokenward: ${memoOps.toLocaleString('en')}); ${rounds} interleaved rounds, median`,
  );
  printTable(rows, FLOOR);
  return { rows, vsFloor: printMemoRatio(rows) };
}

export function printMemoRatio(rows) {
  return printRatio('tokenward memo hit ÷ floor', rows, TOKENWARD_MEMO, FLOOR, 100);
}
