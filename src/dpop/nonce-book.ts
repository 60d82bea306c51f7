import { originOf } from '../lib/origin.js';
import { NQCHARS } from '../lib/syntax.js';

/** The latest `DPoP-Nonce` of each origin (RFC 9449 §8), bounded. */
export interface NonceBook {
  get(url: string): string | undefined;
  /** Remembers `nonce` for the URL's origin; true when it differs from what was there. */
  learn(url: string, nonce: string | null): boolean;
}

const MAX_ORIGINS = 32;
const MAX_NONCE_LENGTH = 1024;

export function createNonceBook(): NonceBook {
  const byOrigin = new Map<string, string>();
  return {
    get: (url) => {
      const origin = originOf(url);
      return origin === undefined ? undefined : byOrigin.get(origin);
    },
    learn(url, nonce) {
      const origin = originOf(url);
      if (
        origin === undefined ||
        nonce === null ||
        nonce.length > MAX_NONCE_LENGTH ||
        !NQCHARS.test(nonce)
      )
        return false;
      const known = byOrigin.get(origin);
      byOrigin.delete(origin);
      if (byOrigin.size >= MAX_ORIGINS) byOrigin.delete(byOrigin.keys().next().value as string);
      byOrigin.set(origin, nonce);
      return known !== nonce;
    },
  };
}
