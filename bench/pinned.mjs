// Scenario 1p, Node: the cost of pins on a warm verify. The same RS256 tokens through two
// verifiers of the same served set, one with `pins` (the thumbprint is computed once per key,
// when the set is fetched) and one without; memo off, so every verify checks its signature.
import { calculateJwkThumbprint } from 'jose';
import * as tokenward from 'tokenward';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';
import { startJwksServer } from './lib/key-server.mjs';
import { compare, each } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

const PINNED = 'tokenward jwks({ pins })';
const UNPINNED = 'tokenward jwks()';

export async function pinnedVerify({ count = 300, rounds = 31 } = {}) {
  const key = await makeKey('bench-pin');
  const tokens = await makeTokens(key, count);
  const server = await startJwksServer({ keys: [key.jwk] });
  const pin = await calculateJwkThumbprint(key.jwk, 'sha256');
  const verifierWith = (options) =>
    tokenward.createVerifier({
      keys: tokenward.jwks(server.url, options),
      issuer: ISSUER,
      audience: AUDIENCE,
      memo: false,
    });
  const ways = { [UNPINNED]: verifierWith({}), [PINNED]: verifierWith({ pins: [pin] }) };
  // Wall time swings with the other jobs on this machine; this process's CPU time does not.
  const cpu = new Map(Object.keys(ways).map((name) => [name, { us: 0, ops: 0 }]));
  const contenders = Object.entries(ways).map(([name, verifier]) => {
    const run = each((i) => verifier.verify(tokens[i]), count);
    return {
      name,
      run: async (n, offset) => {
        const started = process.cpuUsage();
        await run(n, offset);
        const used = process.cpuUsage(started);
        const total = cpu.get(name);
        total.us += used.user + used.system;
        total.ops += n;
      },
    };
  });
  for (const verifier of Object.values(ways)) await verifier.verify(tokens[0]); // warm: fetched
  const rows = await compare(contenders, { rounds, ops: count, blocks: count / 50 });
  await server.close();
  title(
    `1p. Pins, Node: ${count} distinct RS256 tokens, warm key set, memo off, with and without pins; ${rounds} interleaved rounds, median`,
  );
  printTable(rows, UNPINNED);
  printRatio(`${PINNED} ÷ ${UNPINNED}`, rows, PINNED, UNPINNED, 0.97);
  for (const [name, { us, ops }] of cpu)
    console.log(`  ${name}: ${(us / ops).toFixed(1)} µs CPU per verify (this process, all rounds)`);
  return rows;
}
