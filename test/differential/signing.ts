import { makeKey, type TestKey } from '../helpers/keys.js';

// Signing for the differential corpus: the signature covers the parts exactly as given, so a
// token can be signed with a non-canonical encoding, odd JSON or a header jose would not write.

/** The algorithms the corpus covers, one key (and one impostor key) each. */
export const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type Alg = (typeof ALGS)[number];

/** A key of the set and another key under the same `kid` that the set does not hold. */
export interface Signer {
  alg: Alg;
  key: TestKey;
  impostor: TestKey;
}

const PARAMS: Record<Alg, AlgorithmIdentifier | RsaPssParams | EcdsaParams> = {
  RS256: 'RSASSA-PKCS1-v1_5',
  PS256: { name: 'RSA-PSS', saltLength: 32 } as RsaPssParams,
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  EdDSA: 'Ed25519',
};

/** Keys made in this test run, one signer per algorithm. */
export async function makeSigners(): Promise<Signer[]> {
  return Promise.all(
    ALGS.map(async (alg) => {
      const kid = `${alg.toLowerCase()}-1`;
      const [key, impostor] = await Promise.all([makeKey(kid, alg), makeKey(kid, alg)]);
      return { alg, key, impostor };
    }),
  );
}

export const encodeText = (text: string): string => Buffer.from(text).toString('base64url');
export const encodeJson = (value: unknown): string => encodeText(JSON.stringify(value));
export const bytesOf = (part: string): Buffer => Buffer.from(part, 'base64url');

/** The base64url signature of `input` (ASCII) by `key`, as JWS writes it (r || s for ECDSA). */
export async function signInput(key: TestKey, input: string): Promise<string> {
  const alg = key.alg as Alg;
  const signature = await crypto.subtle.sign(
    PARAMS[alg],
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return Buffer.from(signature).toString('base64url');
}

/** An HS256 signature keyed with `secret`: the algorithm-confusion attack (RFC 8725 §2.1). */
export async function hmacSign(secret: string, input: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return Buffer.from(mac).toString('base64url');
}

// The order of P-256 (SEC 2 §2.4.2).
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
const toBytes = (value: bigint, length: number): Buffer =>
  Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');

/** The same ES256 signature with s replaced by n − s when s is low: still valid (RFC 7518 §3.4). */
export function highS(signature: string): string {
  const raw = bytesOf(signature);
  const s = toBig(raw.subarray(32));
  const high = s > P256_N / 2n ? s : P256_N - s;
  return Buffer.concat([raw.subarray(0, 32), toBytes(high, 32)]).toString('base64url');
}

/** The same ES256 signature as an ASN.1 DER SEQUENCE of two INTEGERs, as X.509 writes it. */
export function derSignature(signature: string): string {
  const raw = bytesOf(signature);
  const integer = (half: Buffer) => {
    let bytes = half.subarray(half.findIndex((b) => b !== 0));
    if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
    return Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
  };
  const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]).toString('base64url');
}

/** The signature with bit `bit` (modulo its length) flipped, re-encoded canonically. */
export function flipBit(signature: string, bit: number): string {
  const raw = bytesOf(signature);
  const at = bit % (raw.length * 8);
  raw[at >> 3]! ^= 1 << (at & 7);
  return raw.toString('base64url');
}
