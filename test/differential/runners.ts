import { resolve } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createVerifier, localJwks } from '../../src/index.js';
import { outcome } from '../fuzz/fuzz-config.js';
import { AUDIENCE, ISSUER } from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';
import { ALGS } from './signing.js';

// The three verifiers, configured alike: the same key set, the allowed algorithms, issuer and
// audience, `exp` required, and the clock frozen at the corpus's `now` (seconds).

/** How one library answered one token; `error` is its error code or class. */
export interface Answer {
  verdict: 'accepted' | 'refused';
  error?: string;
}

export interface Setup {
  jwks: JSONWebKeySet;
  now: number;
}

/** tokenward's answers; anything but a result or a VerificationError fails the test. */
export async function tokenwardAnswers(setup: Setup, tokens: readonly string[]): Promise<Answer[]> {
  const verifier = createVerifier({
    keys: localJwks(setup.jwks as Parameters<typeof localJwks>[0]),
    algorithms: [...ALGS],
    issuer: ISSUER,
    audience: AUDIENCE,
    clock: () => setup.now * 1000,
  });
  const answers: Answer[] = [];
  for (const token of tokens) {
    const result = await outcome(() => verifier.verify(token));
    if (result.kind === 'accepted') answers.push({ verdict: 'accepted' });
    else if (result.kind === 'refused') answers.push({ verdict: 'refused', error: result.code });
    else
      throw new Error(
        `tokenward did not answer with a result or a VerificationError: ${result.kind}`,
      );
  }
  return answers;
}

/** jose's answers (jwtVerify with createLocalJWKSet): any throw is a refusal. */
export async function joseAnswers(setup: Setup, tokens: readonly string[]): Promise<Answer[]> {
  const keys = createLocalJWKSet(setup.jwks);
  const options = {
    algorithms: [...ALGS],
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredClaims: ['exp'],
    currentDate: new Date(setup.now * 1000),
  };
  const answers: Answer[] = [];
  for (const token of tokens) {
    try {
      await jwtVerify(token, keys, options);
      answers.push({ verdict: 'accepted' });
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      answers.push({ verdict: 'refused', error: code });
    }
  }
  return answers;
}

const SCRIPT = resolve(import.meta.dirname, 'pyjwt_verify.py');
const BATCH = 2000;

/** PyJWT's answers: Debian's python3-jwt under /usr/bin/python3, one process per batch. */
export async function pyjwtAnswers(setup: Setup, tokens: readonly string[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let start = 0; start < tokens.length; start += BATCH) {
    const batch = tokens.slice(start, start + BATCH);
    const lines = batch.map((token) =>
      JSON.stringify({
        token,
        jwks: setup.jwks,
        algorithms: ALGS,
        iss: ISSUER,
        aud: AUDIENCE,
        now: setup.now,
      }),
    );
    const ran = await runCommand(
      '/usr/bin/python3',
      [SCRIPT],
      60_000,
      undefined,
      `${lines.join('\n')}\n`,
    );
    const out = ran.stdout.trim().split('\n').filter(Boolean);
    if (ran.code !== 0 || out.length !== batch.length)
      throw new Error(
        `pyjwt_verify.py answered ${out.length} of ${batch.length} (exit ${ran.code}):\n${ran.stderr}`,
      );
    answers.push(...out.map((line) => JSON.parse(line) as Answer));
  }
  return answers;
}
