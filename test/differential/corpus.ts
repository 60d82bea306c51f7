import fc from 'fast-check';
import { expected, RULES, type Rule, type Verdict } from './rules.js';
import { ALGS, type Signer } from './signing.js';
import type { Variant } from './tokens.js';

// The seeded corpus: for each rule and each algorithm it applies to, `perRule` variants of the
// claims drawn by fast-check. The same seed gives the same claims and choices; the keys (made
// in the run) and hence the signatures differ from run to run.

/** One token of the corpus, with the verdict the RFCs give and the one tokenward must give. */
export interface Case {
  rule: Rule;
  alg: string;
  token: string;
  expected: Verdict;
}

// Registered claims are the rules' to set; the extra claims stay clear of them.
const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'n', 'pad']);

const variant: fc.Arbitrary<Variant> = fc.record({
  sub: fc.string({ minLength: 1, maxLength: 16 }),
  extra: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((name) => !REGISTERED.has(name)),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  ),
  life: fc.integer({ min: 60, max: 86_400 }),
  age: fc.integer({ min: 0, max: 3600 }),
  audArray: fc.boolean(),
  pick: fc.nat({ max: 1_000_000 }),
});

/** Where and when the corpus is made: `now` in seconds, `attacker` the URL `jku`/`x5u` name. */
export interface CorpusOptions {
  now: number;
  attacker: string;
  perRule: number;
  seed: number;
}

/** The corpus for `signers`: `perRule` tokens per rule and algorithm. */
export async function makeCorpus(
  signers: readonly Signer[],
  { now, attacker, perRule, seed }: CorpusOptions,
): Promise<Case[]> {
  const jobs = RULES.flatMap((rule, ruleIndex) =>
    signers
      .filter((signer) => (rule.algs ?? ALGS).includes(signer.alg))
      .flatMap((signer, algIndex) =>
        fc
          .sample(variant, { seed: seed + ruleIndex * 16 + algIndex, numRuns: perRule })
          .map(async (v): Promise<Case> => ({
            rule,
            alg: signer.alg,
            token: await rule.make({ signer, variant: v, now, attacker }),
            expected: expected(rule),
          })),
      ),
  );
  return Promise.all(jobs);
}
