import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { JWK, JWTPayload } from 'jose';
import { b64url } from './keys.js';
import { runCommand } from './spawn.js';

// Signers for the algorithms jose cannot sign on this machine's Node 20: Ed448 (jose 6 has none;
// node:crypto signs it) and ML-DSA (Node 20 has none; jose signs it in Bun, whose WebCrypto has
// it). Keys are made in the test run, as everywhere.

const root = resolve(import.meta.dirname, '../..');

export const ML_DSA = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] as const;

/** A key made here and tokens it signed, the same shape for every algorithm. */
export interface SignedBy {
  publicJwk: JWK;
  privateJwk: JWK;
  valid: string;
  wrongKey: string;
}

/**
 * An Ed448 key (`kid`, JWK `alg` as given) and two tokens with header `alg` (`Ed448`, or
 * `EdDSA` as RFC 8037 names it): one it signed, one another Ed448 key signed.
 */
export function ed448Signed(kid: string, alg: 'Ed448' | 'EdDSA', claims: JWTPayload): SignedBy {
  const [key, other] = [generateKeyPairSync('ed448'), generateKeyPairSync('ed448')];
  const signWith = (privateKey: typeof key.privateKey) => {
    const input = `${b64url({ alg, kid })}.${b64url(claims)}`;
    return `${input}.${nodeSign(null, Buffer.from(input), privateKey).toString('base64url')}`;
  };
  return {
    publicJwk: { ...(key.publicKey.export({ format: 'jwk' }) as JWK), kid, alg },
    privateJwk: { ...(key.privateKey.export({ format: 'jwk' }) as JWK), kid, alg },
    valid: signWith(key.privateKey),
    wrongKey: signWith(other.privateKey),
  };
}

/** ML-DSA keys (kid `sup-<alg>`) and tokens, signed by jose in Bun (test/runtimes/sign-ml-dsa.mjs). */
export async function mlDsaSigned(
  claims: JWTPayload,
  algs: readonly string[] = ML_DSA,
): Promise<Record<string, SignedBy>> {
  const ran = await runCommand(
    join(root, 'node_modules/.bin/bun'),
    ['test/runtimes/sign-ml-dsa.mjs', JSON.stringify({ claims, algs })],
    30_000,
    root,
  );
  if (ran.code !== 0) throw new Error(`signing ML-DSA tokens in Bun failed:\n${ran.stderr}`);
  return JSON.parse(ran.stdout) as Record<string, SignedBy>;
}
