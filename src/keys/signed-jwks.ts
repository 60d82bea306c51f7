import { VerificationError } from '../lib/errors.js';
import type { PublicJwk } from '../lib/jwk.js';
import { fetchFailed } from '../lib/map-error.js';
import { decodeToken, parsePayload, type DecodedToken } from '../token/compact.js';
import type { TokenHeader } from '../token/header.js';
import { prepareKey, verifyPrepared } from '../crypto/prepared-key.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { screenKeySet } from './guard.js';
import { keysFromPem, pemBlock } from './pem.js';
import { keyFitsAlg, SUPPORTED_ALGORITHMS } from './select.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type KeySource,
  type RemoteSourceOptions,
  type SignedSet,
} from './source.js';
import { readTrust } from './trust.js';

/** Options of {@link signedJwks}: the anchors, plus every remote option. */
export interface SignedJwksOptions extends RemoteSourceOptions {
  /** The keys that sign the set, given out of band: a JWK set, one JWK, or SPKI PEM text. */
  anchors: AnchorSet | Record<string, unknown> | string;
  /** The `iss` the signed set must carry, when given. */
  issuer?: string;
  /** Algorithms the set may be signed with. @default ['RS256', 'PS256', 'ES256', 'EdDSA'] */
  algorithms?: string[];
}

/** The anchors as a JWK set. */
export interface AnchorSet {
  /** The anchor public keys (JWKs). */
  keys: unknown[];
}

/** Media types of a signed JWK set (OpenID Federation 1.0 §12.1; plain JWT accepted). */
export const SIGNED_JWKS_ACCEPT = 'application/jwk-set+jwt, application/jwt;q=0.9';
const SIGNED_TYPES = new Set(['application/jwk-set+jwt', 'application/jwt']);
const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

type Anchors = { keys: PublicJwk[] } | { pem: { label: string; text: string } };

/**
 * Keys from a signed JWK set (OpenID Federation 1.0 `signed_jwks_uri`): a compact JWS of `typ`
 * `jwk-set+jwt` whose payload holds the keys, signed by an anchor key shipped with the app. A
 * swapped, re-signed, expired (`exp`) or older (`iat`: no rollback) set is refused and the set
 * held before keeps serving. Plain http is allowed: the anchors, not the channel, carry trust.
 *
 * @example
 * const verifier = createVerifier({
 *   keys: signedJwks('https://idp.example.com/signed-jwks', {
 *     anchors: { keys: [anchorPublicJwk] },
 *     issuer: 'https://idp.example.com',
 *   }),
 *   issuer: 'https://idp.example.com',
 *   audience: 'my-spa',
 * });
 */
export function signedJwks(url: string | URL, options: SignedJwksOptions): KeySource {
  const factory = 'signedJwks()';
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${factory}: options with anchors are required`);
  const { anchors, issuer, algorithms, ...rest } = options;
  const at = toUrl(url, factory);
  if (issuer !== undefined && typeof issuer !== 'string')
    throw new TypeError(`${factory}: issuer must be a string`);
  const allowed = readAlgorithms(algorithms, factory);
  const config = { anchors: readAnchors(anchors, factory), issuer, allowed };
  const policy = remotePolicy(rest, factory);
  readTrust(policy, at, factory, true);
  const remote = {
    ...policy,
    accept: SIGNED_JWKS_ACCEPT,
    locate: async () => ({ url: at.href }),
    signed: (jws: string, type: string | undefined, from: string, provider: SignatureProvider) =>
      readSignedSet(jws, type, from, provider, config),
  };
  return { kind: 'signed-jwks', id: `signed-jwks:${at.href}`, [LOADER]: { remote } };
}

function readAlgorithms(value: unknown, factory: string): ReadonlySet<string> {
  if (value === undefined) return new Set(DEFAULT_ALGORITHMS);
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((alg) => SUPPORTED_ALGORITHMS.includes(alg as string))
  )
    throw new TypeError(
      `${factory}: algorithms must be a non-empty array of ${SUPPORTED_ALGORITHMS.join(', ')}`,
    );
  return new Set(value as string[]);
}

/** The anchors, checked at creation: public signature keys only (a TypeError otherwise). */
function readAnchors(value: unknown, factory: string): Anchors {
  try {
    if (typeof value === 'string') return { pem: pemBlock(value, 'The anchor PEM') };
    if (typeof value !== 'object' || value === null) throw new TypeError('missing');
    const entries = Array.isArray((value as { keys?: unknown }).keys)
      ? (value as { keys: unknown[] }).keys
      : [value];
    const { keys } = screenKeySet(entries, 'The anchors');
    if (keys.length > 0) return { keys };
  } catch (error) {
    if (error instanceof VerificationError)
      throw new TypeError(`${factory}: anchors: ${error.message}`);
  }
  throw new TypeError(
    `${factory}: anchors must be a JWK set, a JWK or SPKI PEM text holding a safe public signature key`,
  );
}

interface SignedConfig {
  anchors: Anchors;
  issuer: string | undefined;
  allowed: ReadonlySet<string>;
}

async function readSignedSet(
  jws: string,
  contentType: string | undefined,
  url: string,
  provider: SignatureProvider,
  config: SignedConfig,
): Promise<SignedSet> {
  const where = `The signed key set from ${url}`;
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  if (type !== undefined && !SIGNED_TYPES.has(type))
    throw fetchFailed(url, `the answer is ${type || 'untyped'}, not application/jwk-set+jwt`);
  jws = jws.trim();
  const decoded = decodeSet(jws, where);
  const { header } = decoded;
  const typ = header.typ?.toLowerCase().replace(/^application\//, '');
  if (typ !== 'jwk-set+jwt')
    throw invalid(`${where} has typ ${JSON.stringify(header.typ)}, not "jwk-set+jwt".`);
  if (!config.allowed.has(header.alg))
    throw invalid(
      `${where} is signed with ${header.alg}; allowed: ${[...config.allowed].join(', ')}.`,
    );
  await checkSignature(decoded, provider, config.anchors, where);
  const { keys, iat, exp } = claimsOf(decoded, where, config.issuer);
  return { entries: keys, signed: exp === undefined ? { jws, iat } : { jws, iat, exp } };
}

function decodeSet(jws: string, where: string): DecodedToken {
  try {
    return decodeToken(jws);
  } catch (cause) {
    throw invalid(`${where} is not a compact JWS: ${(cause as Error).message}`, cause);
  }
}

async function checkSignature(
  decoded: DecodedToken,
  provider: SignatureProvider,
  anchors: Anchors,
  where: string,
): Promise<void> {
  const { header } = decoded;
  const candidates = await anchorsFor(anchors, header);
  if (candidates.length === 0)
    throw invalid(
      `${where} names no anchor key (kid ${JSON.stringify(header.kid)}, alg ${header.alg}).`,
    );
  for (const jwk of candidates) {
    const key = await prepareKey(provider, jwk, header.alg);
    if (await verifyPrepared(key, decoded.signingInput, decoded.signature)) return;
  }
  throw invalid(`${where} has a signature no anchor key verifies: it was altered or re-signed.`);
}

// An anchor with a kid verifies only headers naming it; a PEM anchor any allowed algorithm
// its key type fits.
async function anchorsFor(anchors: Anchors, header: TokenHeader): Promise<PublicJwk[]> {
  if ('keys' in anchors)
    return anchors.keys.filter(
      (jwk) => keyFitsAlg(jwk, header.alg) && (jwk.kid === undefined || jwk.kid === header.kid),
    );
  try {
    return (await keysFromPem(anchors.pem, header.alg)) as PublicJwk[];
  } catch {
    return [];
  }
}

function claimsOf(
  decoded: DecodedToken,
  where: string,
  issuer: string | undefined,
): { keys: unknown; iat: number; exp?: number | undefined } {
  let payload: Record<string, unknown>;
  try {
    payload = parsePayload(decoded.payloadBytes);
  } catch (cause) {
    throw invalid(`${where} has a payload that is not a JSON object.`, cause);
  }
  if (issuer !== undefined && payload.iss !== issuer)
    throw invalid(
      `${where} names iss ${JSON.stringify(payload.iss)}, not ${JSON.stringify(issuer)}.`,
    );
  if (!isSeconds(payload.iat)) throw invalid(`${where} has no numeric iat (required).`);
  if (payload.exp !== undefined && !isSeconds(payload.exp))
    throw invalid(`${where} has an exp that is not a number.`);
  return { keys: payload.keys, iat: payload.iat, exp: payload.exp as number | undefined };
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function invalid(message: string, cause?: unknown): VerificationError {
  return new VerificationError('ERR_KEY_INVALID', message, cause === undefined ? {} : { cause });
}
