import type { DigestName } from '../crypto/provider.js';
import { notSupported } from './errors.js';
import { sha256 } from './sha256.js';

/** One SHA-2 function: its name, its output length in bytes, and the function itself. */
export interface Hash {
  readonly name: DigestName;
  readonly length: number;
  readonly digest: (data: Uint8Array) => Uint8Array;
}

const SHA256: Hash = { name: 'SHA-256', length: 32, digest: sha256 };
let wide: readonly [Hash, Hash] | undefined;
let loading: Promise<readonly [Hash, Hash]> | undefined;

/**
 * The SHA-2 function of that name: SHA-256 at once; SHA-384 and SHA-512 (@noble/hashes) once
 * loaded, the first call waiting for them. Throws NotSupportedError for any other name.
 */
export function loadHash(name: string): Hash | Promise<Hash> {
  if (name === 'SHA-256') return SHA256;
  if (name !== 'SHA-384' && name !== 'SHA-512') throw notSupported(`the hash ${name}`);
  const pick = ([h384, h512]: readonly [Hash, Hash]) => (name === 'SHA-384' ? h384 : h512);
  if (wide !== undefined) return pick(wide);
  loading ??= import('./sha512.js').then(
    ({ sha384, sha512 }) =>
      (wide = [
        { name: 'SHA-384', length: 48, digest: (data) => sha384(data) },
        { name: 'SHA-512', length: 64, digest: (data) => sha512(data) },
      ]),
  );
  return loading.then(pick);
}
