import { exportJWK, importSPKI, importX509 } from 'jose';
import { PUBLISH_PUBLIC_KEY_HINT, VerificationError } from '../errors.js';
import { fetchFailed, fetchKeyDocument } from '../http/fetch-keys.js';
import { MIN_RSA_BITS } from './guard.js';
import { SUPPORTED_ALGORITHMS } from './select.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type KeySource,
  type LoadResult,
  type RemoteSourceOptions,
} from './source.js';

/** Options of {@link pem}: the key's algorithm, plus the remote options when given a URL. */
export interface PemOptions extends RemoteSourceOptions {
  /** The JWS algorithm the key verifies. @default 'RS256' */
  alg?: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

/**
 * One public key in PEM: SPKI (`-----BEGIN PUBLIC KEY-----`, what `openssl rsa -pubout`
 * writes) or an X.509 certificate, given as text or as a URL to fetch. The key has no
 * `kid`, so it verifies tokens whatever their `kid`.
 *
 * Security: a private key is refused (the classic Flask-JWT RS256 slip of shipping
 * `rs256.pem` instead of `rs256.pub`); only the public half belongs on a client.
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
  if (typeof textOrUrl === 'string' && textOrUrl.trimStart().startsWith('-----BEGIN')) {
    const block = pemBlock(textOrUrl); // refuses private keys now, at creation
    let loaded: Promise<LoadResult> | undefined;
    return {
      kind: 'pem',
      id: `pem:inline`,
      [LOADER]: { remote: undefined, load: () => (loaded ??= keysFromPem(block, alg)) },
    };
  }
  const url = toUrl(textOrUrl, 'pem()').href;
  const remote = remotePolicy(remoteOptions, 'pem()');
  return {
    kind: 'pem',
    id: `pem:${alg}:${url}`,
    [LOADER]: {
      remote,
      async load(request) {
        const response = await fetchKeyDocument(
          {
            url,
            accept: 'application/x-pem-file, text/plain;q=0.9, */*;q=0.5',
            etag: request.etag,
            bypassCache: request.bypassCache,
          },
          remote.fetch,
          request.now,
        );
        if (response.date !== undefined)
          request.onDate?.(response.date, response.sentAt, response.receivedAt);
        if (response.notModified) return { notModified: true, maxAgeSeconds: response.maxAge };
        if (!PEM_BLOCK.test(response.body)) throw fetchFailed(url, 'the answer holds no PEM block');
        const loaded = await keysFromPem(pemBlock(response.body), alg);
        return { ...loaded, maxAgeSeconds: response.maxAge, etag: response.etag } as LoadResult;
      },
    },
  };
}

/** The first PEM block, if it is public key material; private keys are refused with the fix. */
function pemBlock(text: string): { label: string; text: string } {
  const match = PEM_BLOCK.exec(text);
  if (match === null)
    throw new VerificationError(
      'ERR_KEY_INVALID',
      'The PEM text has no complete -----BEGIN/END----- block.',
    );
  const label = match[1]!;
  if (label.includes('PRIVATE KEY')) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `This is a private key (${label}). ${PUBLISH_PUBLIC_KEY_HINT}`,
    );
  }
  if (label === 'RSA PUBLIC KEY') {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      'This is a PKCS#1 RSA public key; convert it to SPKI with `openssl rsa -RSAPublicKey_in -in key.pub -pubout -out rs256.pub`.',
    );
  }
  if (label !== 'PUBLIC KEY' && label !== 'CERTIFICATE') {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `A PEM "${label}" block is not a public key or certificate.`,
    );
  }
  return { label, text: match[0] };
}

async function keysFromPem(
  block: { label: string; text: string },
  alg: string,
): Promise<LoadResult> {
  let key: CryptoKey;
  try {
    key =
      block.label === 'CERTIFICATE'
        ? await importX509(block.text, alg, { extractable: true })
        : await importSPKI(block.text, alg, { extractable: true });
  } catch (cause) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `The PEM key cannot be used for ${alg}: ${(cause as Error).message}.`,
      { cause },
    );
  }
  const bits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `The PEM key is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required.`,
    );
  }
  const jwk = await exportJWK(key);
  return {
    notModified: false,
    keys: [{ ...jwk, alg, use: 'sig' }],
    maxAgeSeconds: undefined,
    etag: undefined,
  };
}
