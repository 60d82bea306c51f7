import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { DigestName } from '../crypto/provider.js';
import { notSupported } from './errors.js';

/** One SHA-2 function: its name, its output length in bytes, and the function itself. */
export interface Hash {
  readonly name: DigestName;
  readonly length: number;
  readonly digest: (data: Uint8Array) => Uint8Array;
}

// A Map: the name may come from a caller, never an object member lookup.
const HASHES = new Map<string, Hash>(
  (
    [
      ['SHA-256', sha256],
      ['SHA-384', sha384],
      ['SHA-512', sha512],
    ] as const
  ).map(([name, fn]) => [name, { name, length: fn.outputLen, digest: (data) => fn(data) }]),
);

/** The SHA-2 function of that name; throws for any other name. */
export function hashOf(name: string): Hash {
  const hash = HASHES.get(name);
  if (hash === undefined) throw notSupported(`the hash ${name}`);
  return hash;
}
