import { PUBLISH_PUBLIC_KEY_HINT, VerificationError } from '../lib/errors.js';
import { fetchFailed, keyImportFailed } from '../lib/map-error.js';
import { unsafeBecause } from './guard.js';
import { keyFitsAlg, SUPPORTED_ALGORITHMS } from './select.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type KeySource,
  type RemoteKeys,
  type RemoteSourceOptions,
} from './source.js';
import { readTrust } from './trust.js';

/** Options of {@link pem}: the key's algorithm, plus the remote options when given a URL. */
export interface PemOptions extends RemoteSourceOptions {
  /** The JWS algorithm the key verifies. @default 'RS256' */
  alg?: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;
const PEM_LABELS = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * One public key in PEM: SPKI (`-----BEGIN PUBLIC KEY-----`, what `openssl rsa -pubout`
 * writes) or an X.509 certificate, given as text or as a URL to fetch. The key has no
 * `kid`, so it verifies tokens whatever their `kid`.
 *
 * Security: text that holds a private key anywhere is refused whole (the classic Flask-JWT
 * RS256 slip of shipping `rs256.pem` instead of `rs256.pub`, or a leaked bundle); only the
 * public half belongs on a client. Errors never repeat the text given.
 *
 * @example
 * // Flask-JWT RS256: the server signs with rs256.pem and serves rs256.pub
 * const verifier = createVerifier({ keys: pem('https://api.example.com/rs256.pub'), issuer: null, audience: null });
 * @example
 * const verifier = createVerifier({ keys: pem(publicKeyPem, { alg: 'ES256' }), issuer, audience });
 */
export function pem(textOrUrl: string | URL, options: PemOptions = {}): KeySource {
  const { alg = 'RS256', ...remoteOptions } = options ?? {};
  if (!SUPPORTED_ALGORITHMS.includes(alg)) {
    throw new TypeError(`pem(): alg must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  }
  if (typeof textOrUrl === 'string' && !looksLikeUrl(textOrUrl)) {
    const block = pemBlock(textOrUrl, 'The PEM text'); // refuses private keys now, at creation
    let keys: Promise<unknown> | undefined;
    return {
      kind: 'pem',
      id: `pem:inline`,
      [LOADER]: { inline: () => (keys ??= keysFromPem(block, alg)) },
    };
  }
  const url = pemUrl(textOrUrl);
  const policy = remotePolicy(remoteOptions, 'pem()');
  readTrust(policy, new URL(url), 'pem()');
  const remote: RemoteKeys = {
    ...policy,
    accept: 'application/x-pem-file, text/plain;q=0.9, */*;q=0.5',
    locate: async () => ({ url }),
    async parse(response, from) {
      if (!PEM_BLOCK.test(response.body)) throw fetchFailed(from, 'the answer holds no PEM block');
      return keysFromPem(pemBlock(response.body, `The PEM served at ${from}`), alg);
    },
  };
  return { kind: 'pem', id: `pem:${alg}:${url}`, [LOADER]: { remote } };
}

/** The URL to fetch; the error does not repeat the argument, which may be a secret or a token. */
function pemUrl(value: string | URL): string {
  if (typeof value === 'string' && /^[\w-]{8,}\.[\w-]{8,}\.[\w-]*$/.test(value.trim()))
    throw new TypeError('pem(): this is a JWT, not a public key: pass the PEM text or its URL');
  try {
    return toUrl(value, 'pem()').href;
  } catch {
    throw new TypeError(
      'pem(): expected PEM text (-----BEGIN PUBLIC KEY----- …) or an http(s) URL to it' +
        (typeof location === 'undefined' ? ' (outside a browser, URLs must be absolute)' : ''),
    );
  }
}

/** A URL (absolute, or a path such as 'rs256.pub' in a browser) rather than PEM text. */
function looksLikeUrl(text: string): boolean {
  return !text.includes('-----BEGIN') && !/\s/.test(text.trim());
}

/**
 * The first public key or certificate block. Text holding a private key anywhere is refused
 * whole, with the fix; messages name labels only, never the text.
 */
export function pemBlock(text: string, where: string): { label: string; text: string } {
  for (const [, label] of text.matchAll(PEM_LABELS)) {
    if (label!.includes('PRIVATE KEY'))
      throw invalid(`${where} holds a private key (${label}). ${PUBLISH_PUBLIC_KEY_HINT}`);
  }
  const match = PEM_BLOCK.exec(text);
  if (match === null)
    throw invalid(
      `${where} has no complete -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY----- block.`,
    );
  const label = match[1]!;
  if (label === 'RSA PUBLIC KEY') {
    throw invalid(
      'This is a PKCS#1 RSA public key; convert it to SPKI with `openssl rsa -RSAPublicKey_in -in key.pub -pubout -out rs256.pub`.',
    );
  }
  if (label !== 'PUBLIC KEY' && label !== 'CERTIFICATE')
    throw invalid(`A PEM "${label}" block is not a public key or certificate.`);
  return { label, text: match[0] };
}

function invalid(message: string): VerificationError {
  return new VerificationError('ERR_KEY_INVALID', message);
}

/** The key of a PEM block as a screened public JWK for `alg`, in a one-key array. */
export async function keysFromPem(
  block: { label: string; text: string },
  alg: string,
): Promise<unknown> {
  let jwk: Record<string, unknown>;
  try {
    jwk = { ...(await readPem(block, alg)), alg, use: 'sig' };
  } catch (cause) {
    // jose reads the PEM with this runtime's WebCrypto: one that lacks `alg` cannot check it.
    const { code, name } = (cause ?? {}) as { code?: unknown; name?: unknown };
    if (code === 'ERR_JOSE_NOT_SUPPORTED' || name === 'NotSupportedError')
      throw keyImportFailed(cause, alg);
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `The PEM key cannot be used for ${alg}: ${(cause as Error).message}.`,
      { cause },
    );
  }
  const unsafe = unsafeBecause(jwk);
  if (unsafe !== undefined) throw invalid(`The PEM key is refused: ${unsafe}.`);
  return [jwk];
}

// Where crypto.subtle is missing (a page on plain http that is not localhost, Hermes), jose
// cannot import SPKI; tokenward/portable's DER reader can (issue 22). Each is loaded on first use.
async function readPem(block: { label: string; text: string }, alg: string): Promise<object> {
  if (typeof globalThis.crypto?.subtle?.importKey !== 'function') {
    const { publicJwkFromPem } = await import('../portable/spki.js');
    const jwk = publicJwkFromPem(block.text);
    if (!keyFitsAlg(jwk, alg))
      throw new TypeError(`it is a ${jwk.kty} ${String(jwk.crv ?? jwk.n?.length)} key`);
    return jwk;
  }
  // jose parses SPKI and X.509 (ASN.1) and is loaded here only, on first use: neither a browser
  // app without pem() nor the Node build's start-up pays for it (issue 20).
  const { exportJWK, importSPKI, importX509 } = await import('jose');
  const options = { extractable: true };
  const key =
    block.label === 'CERTIFICATE'
      ? await importX509(block.text, alg, options)
      : await importSPKI(block.text, alg, options);
  return exportJWK(key);
}
