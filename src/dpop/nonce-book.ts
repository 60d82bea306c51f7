/** The latest `DPoP-Nonce` of each origin (RFC 9449 §8), bounded. */
export interface NonceBook {
  get(url: string): string | undefined;
  /** Remembers `nonce` for the URL's origin; true when it differs from what was there. */
  learn(url: string, nonce: string | null): boolean;
}

const MAX_ORIGINS = 32;
const MAX_NONCE_LENGTH = 1024;
// RFC 9449 §8.1: nonce = 1*NQCHAR (%x21 / %x23-5B / %x5D-7E).
const NQCHARS = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function createNonceBook(): NonceBook {
  const byOrigin = new Map<string, string>();
  const originOf = (url: string): string | undefined => {
    try {
      const { origin } = new URL(url);
      return origin === 'null' ? undefined : origin;
    } catch {
      return undefined;
    }
  };
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
