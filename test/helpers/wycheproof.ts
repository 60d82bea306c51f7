import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unsafeBecause } from '../../src/keys/guard.js';
import type { PublicJwk } from '../../src/lib/jwk.js';

/** One Wycheproof signature test (testvectors_v1 schemas *_verify_schema_v1.json). */
export interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  msg: Uint8Array;
  sig: Uint8Array;
  result: 'valid' | 'invalid' | 'acceptable';
}

/** A key with its tests, or the reason tokenward's key guard refuses the key. */
export interface VectorGroup {
  jwk: PublicJwk;
  /** The same key as SPKI PEM. */
  pem: string;
  refused: string | undefined;
  tests: Vector[];
}

/** The vendored files (test/vectors/wycheproof/README.md) and the JWS algorithm each one tests. */
export const VECTOR_FILES = [
  ['rsa_signature_2048_sha256', 'RS256'],
  ['rsa_signature_2048_sha384', 'RS384'],
  ['rsa_signature_2048_sha512', 'RS512'],
  ['rsa_signature_4096_sha512', 'RS512'],
  ['rsa_pss_2048_sha256_mgf1_32', 'PS256'],
  ['rsa_pss_2048_sha384_mgf1_48', 'PS384'],
  ['rsa_pss_4096_sha512_mgf1_64', 'PS512'],
  ['ecdsa_secp256r1_sha256_p1363', 'ES256'],
  ['ecdsa_secp384r1_sha384_p1363', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363', 'ES512'],
  ['ed25519', 'EdDSA'],
] as const;

const dir = join(import.meta.dirname, '../vectors/wycheproof');
const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

interface RawGroup {
  publicKeyJwk?: Record<string, unknown>;
  keyJwk?: Record<string, unknown>;
  publicKey?: { curve?: string; uncompressed?: string };
  publicKeyPem: string;
  tests: (Omit<Vector, 'msg' | 'sig'> & { msg: string; sig: string })[];
}

/** The groups of one vendored file, each key with only its public members (RFC 7638 §3.2). */
export function loadVectors(name: string): VectorGroup[] {
  const file = JSON.parse(readFileSync(join(dir, `${name}_test.json`), 'utf8')) as {
    testGroups: RawGroup[];
  };
  return file.testGroups.map((group) => {
    const { kty, n, e, crv, x, y } = group.publicKeyJwk ?? group.keyJwk ?? ecJwk(group);
    const jwk = JSON.parse(JSON.stringify({ kty, n, e, crv, x, y })) as PublicJwk;
    return {
      jwk,
      pem: group.publicKeyPem,
      refused: unsafeBecause(jwk as unknown as Record<string, unknown>),
      tests: group.tests.map((test) => ({ ...test, msg: hex(test.msg), sig: hex(test.sig) })),
    };
  });
}

const CURVES = new Map([
  ['secp256r1', 'P-256'],
  ['secp384r1', 'P-384'],
  ['secp521r1', 'P-521'],
]);

/** Some EC groups give only the uncompressed point (04 || x || y). */
function ecJwk({ publicKey }: RawGroup): Record<string, unknown> {
  const point = Buffer.from(publicKey!.uncompressed!, 'hex');
  const size = (point.length - 1) / 2;
  return {
    kty: 'EC',
    crv: CURVES.get(publicKey!.curve!),
    x: point.subarray(1, 1 + size).toString('base64url'),
    y: point.subarray(1 + size).toString('base64url'),
  };
}
