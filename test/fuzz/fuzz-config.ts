import fc from 'fast-check';
import { isVerificationError } from '../../src/index.js';

// One seed for every property, so a normal test run is reproducible; `npm run fuzz` multiplies
// the runs (FUZZ_RUNS, default 20 there, 1 here) and FUZZ_SEED replays another seed.
/** How many times the normal runs a fuzz run makes (FUZZ_RUNS). */
export const FUZZ_SCALE = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);
const seed = Number(process.env.FUZZ_SEED ?? 20_251_111);

/** fast-check parameters for a property that runs `runs` times in a normal test run. */
export function fuzzRuns(runs: number): fc.Parameters<unknown> {
  return { seed, numRuns: runs * FUZZ_SCALE, endOnFailure: false };
}

/** The vitest timeout for a property whose normal run takes about `ms`. */
export function fuzzTimeout(ms: number): number {
  return Math.max(Number(process.env.FUZZ_TIMEOUT ?? 20_000), ms * FUZZ_SCALE * 2);
}

/** How a verify ended: accepted, refused with a VerificationError, anything else, or a hang. */
export type Outcome =
  | { kind: 'accepted'; value: unknown }
  | { kind: 'refused'; code: string }
  | { kind: 'crashed'; error: unknown }
  | { kind: 'hung' };

/** Runs `run`, races it against `ms` and classifies the ending; never rejects. */
export async function outcome(run: () => Promise<unknown>, ms = 3000): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch (error) {
    // The contract is a rejected promise; a synchronous throw breaks `await`-less callers.
    return { kind: 'crashed', error: new Error(`threw synchronously: ${String(error)}`) };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hung' }), ms);
  });
  const ended = promise.then(
    (value): Outcome => ({ kind: 'accepted', value }),
    (error: unknown): Outcome =>
      isVerificationError(error)
        ? { kind: 'refused', code: error.code }
        : { kind: 'crashed', error },
  );
  try {
    return await Promise.race([ended, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with a readable message unless the outcome is a result or a VerificationError. */
export function assertWellBehaved(result: Outcome): void {
  if (result.kind === 'hung') throw new Error('verify() did not settle within the time limit');
  if (result.kind === 'crashed')
    throw new Error(
      `verify() rejected with something other than a VerificationError: ${String(result.error)}`,
    );
}
