import { NQCHARS } from '../lib/syntax.js';
import { constantTimeEqual } from '../verifiers/id-token/token-hash.js';
import { randomId } from './hash.js';

/** Where the server's DPoP nonces come from (RFC 9449 §8). */
export type NonceOption = true | (() => string | Promise<string>);

/** The nonce check: the current nonce, and whether a proof's nonce is acceptable. */
export interface NonceCheck {
  current(): Promise<string>;
  accepts(nonce: unknown): Promise<boolean>;
}

/**
 * `true`: this verifier makes its own random nonce and rotates it every `rotateMs`, accepting
 * the previous one too so a client that just learned it is not bounced. A function: whatever it
 * returns now is the only nonce accepted (for nonces shared by several isolates).
 */
export function nonceCheck(option: NonceOption, clock: () => number, rotateMs: number): NonceCheck {
  if (option !== true) {
    const current = async (): Promise<string> => {
      const value = await option();
      if (typeof value !== 'string' || !NQCHARS.test(value))
        throw new TypeError('createDpopVerifier: "nonce" must return a non-empty NQCHAR string');
      return value;
    };
    return {
      current,
      accepts: async (nonce) =>
        typeof nonce === 'string' && constantTimeEqual(nonce, await current()),
    };
  }
  let now = { value: randomId(), since: clock() };
  let previous: string | undefined;
  const rotated = (): { value: string; since: number } => {
    const time = clock();
    if (time - now.since >= rotateMs) {
      previous = time - now.since < 2 * rotateMs ? now.value : undefined;
      now = { value: randomId(), since: time };
    }
    return now;
  };
  return {
    current: () => Promise.resolve(rotated().value),
    accepts(nonce) {
      const { value } = rotated();
      return Promise.resolve(
        typeof nonce === 'string' &&
          (constantTimeEqual(nonce, value) ||
            (previous !== undefined && constantTimeEqual(nonce, previous))),
      );
    },
  };
}
