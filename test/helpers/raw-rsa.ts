import { generateKeyPairSync } from 'node:crypto';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { toBigInt, toBytes } from '../../src/portable/bytes.js';
import { modPow, rsaPublicKey, type RsaPublicKey } from '../../src/portable/rsa-key.js';

/** An RSA key made in this run, able to "sign" any block raw (s = m^d mod n, no padding). */
export interface RawRsa {
  jwk: PublicJwk;
  key: RsaPublicKey;
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  /** The signature whose RSAVP1 gives back exactly `block` (as long as the modulus, < n). */
  signBlock(block: Uint8Array): Uint8Array;
}

export function rawRsa(modulusLength = 2048, publicExponent = 65537): RawRsa {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
  const jwk = publicKey.export({ format: 'jwk' }) as PublicJwk;
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
  const key = rsaPublicKey(jwk);
  return {
    jwk,
    key,
    privateKey,
    signBlock: (block) => toBytes(modPow(toBigInt(block), d, key.n), key.length)!,
  };
}
