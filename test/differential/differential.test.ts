import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SCALE, fuzzTimeout } from '../fuzz/fuzz-config.js';
import { KeyServer } from '../helpers/key-server.js';
import { runCommand } from '../helpers/spawn.js';
import { makeCorpus, type Case } from './corpus.js';
import {
  committedDoc,
  differentialDoc,
  LIBRARIES,
  REPORT_FILE,
  treatmentChanges,
  writeDoc,
  writeReport,
  type Row,
} from './report.js';
import { RULES } from './rules.js';
import { joseAnswers, pyjwtAnswers, tokenwardAnswers, type Setup } from './runners.js';
import { ALGS, makeSigners } from './signing.js';

// The differential suite (issue 21 item 6): tokenward, jose and PyJWT on one seeded corpus.
// tokenward must give the RFC verdict for every token (the security claim); where jose or
// PyJWT differ is recorded, per token in .tmp/differential-report.json and per rule in
// docs/differential.md. `npm run fuzz` (FUZZ_RUNS) multiplies the tokens per rule.
// It compares libraries, not environments: run once, in the node project.
const inNode = typeof (globalThis as { window?: unknown }).window === 'undefined';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const PER_RULE = 2 * FUZZ_SCALE;

let corpus: Case[];
let rows: Row[];
let attacker: KeyServer;

async function versions(): Promise<{ jose: string; PyJWT: string }> {
  const require = createRequire(import.meta.url);
  const jose = JSON.parse(readFileSync(require.resolve('jose/package.json'), 'utf8')).version;
  const ran = await runCommand('/usr/bin/python3', ['-c', 'import jwt; print(jwt.__version__)']);
  return { jose: String(jose), PyJWT: ran.stdout.trim() };
}

describe.runIf(inNode)('differential: tokenward, jose and PyJWT on one corpus', () => {
  beforeAll(async () => {
    const signers = await makeSigners();
    const setup: Setup = {
      jwks: { keys: signers.map((s) => s.key.publicJwk) },
      now: Math.floor(Date.now() / 1000),
    };
    // What `jku` and `x5u` point to: the impostor keys, on a real server that counts requests.
    attacker = await new KeyServer().start();
    const impostors = JSON.stringify({ keys: signers.map((s) => s.impostor.publicJwk) });
    attacker.routes.set('/jwks.json', { body: impostors });
    attacker.routes.set('/cert.pem', { body: signers[0]!.impostor.publicPem });
    corpus = await makeCorpus(signers, {
      now: setup.now,
      attacker: attacker.url,
      perRule: PER_RULE,
      seed: SEED,
    });
    const tokens = corpus.map((c) => c.token);
    const [tokenward, jose, pyjwt] = await Promise.all([
      tokenwardAnswers(setup, tokens),
      joseAnswers(setup, tokens),
      pyjwtAnswers(setup, tokens),
    ]);
    rows = corpus.map((c, i) => ({
      case: c,
      answers: { tokenward: tokenward[i]!, jose: jose[i]!, PyJWT: pyjwt[i]! },
    }));
  }, fuzzTimeout(15_000));
  afterAll(() => attacker?.stop());

  it('covers every rule and every algorithm it applies to', () => {
    for (const rule of RULES) {
      const cases = corpus.filter((c) => c.rule === rule);
      expect(new Set(cases.map((c) => c.alg)), rule.id).toEqual(new Set(rule.algs ?? ALGS));
      expect(cases.length, rule.id).toBe(PER_RULE * (rule.algs ?? ALGS).length);
    }
    expect(corpus.length).toBeGreaterThanOrEqual(200 * FUZZ_SCALE);
  });

  it('no library fetched what `jku` or `x5u` named', () => {
    expect(attacker.requests.map((r) => r.path)).toEqual([]);
  });

  it('tokenward gives the RFC verdict for every token', () => {
    const wrong = rows
      .filter(
        (row) =>
          (row.answers.tokenward.verdict === 'accepted' ? 'accept' : 'reject') !==
          row.case.expected,
      )
      .map(
        (row) =>
          `${row.case.rule.id} (${row.case.alg}): expected ${row.case.expected}, got ${JSON.stringify(row.answers.tokenward)}`,
      );
    expect(wrong).toEqual([]);
  });

  it('the answers of all three are recorded, and docs/differential.md is what they measured', async () => {
    for (const row of rows)
      for (const library of LIBRARIES)
        expect(row.answers[library].verdict).toMatch(/^(accepted|refused)$/);
    const differences = writeReport(rows);
    console.log(
      `differential: ${rows.length} tokens, ${differences} where jose or PyJWT differ from tokenward (${REPORT_FILE})`,
    );
    // The page is measured on the fixed corpus of `npm test`; a larger fuzz corpus may find a
    // library that accepts only some tokens of a kind, which the report above records.
    if (FUZZ_SCALE !== 1) {
      for (const change of treatmentChanges(rows, committedDoc()))
        console.log(`differential: the larger corpus differs from docs/differential.md: ${change}`);
      return;
    }
    const doc = await differentialDoc(rows, await versions());
    const before = committedDoc();
    writeDoc(doc);
    expect(before, 'docs/differential.md was stale: the test rewrote it, commit it').toBe(doc);
  });
});
