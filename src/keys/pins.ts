import { decodeStrict } from '../lib/base64url.js';
import { VerificationError } from '../lib/errors.js';
import type { EmitEvent } from '../lib/events.js';
import type { PublicJwk } from '../lib/jwk.js';
import { jwkThumbprint } from '../crypto/thumbprint.js';
import type { SignatureProvider } from '../crypto/provider.js';
import type { ScreenedKeys } from './guard.js';

/**
 * The `pins` option, checked at creation: a non-empty array of RFC 7638 SHA-256 thumbprints,
 * each 43 characters of canonical unpadded base64url (32 bytes). Anything else, `[]` included,
 * is a TypeError naming the factory: a pin list that pins nothing must not pass as one.
 */
export function readPins(value: unknown, factory: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    throw new TypeError(
      `${factory}: pins must be a non-empty array of RFC 7638 SHA-256 thumbprints (base64url)`,
    );
  for (const pin of value) {
    if (typeof pin !== 'string' || pin.length !== 43 || decodeStrict(pin)?.length !== 32)
      throw new TypeError(
        `${factory}: each pin must be an RFC 7638 SHA-256 JWK thumbprint: 43 characters of ` +
          "canonical unpadded base64url, as jose's calculateJwkThumbprint(jwk) returns it",
      );
  }
  return new Set(value as string[]);
}

// Computed once per key object: a set's keys live as long as the set, so a warm verify never
// hashes (issue 22: no per-verify cost for a pinned source).
const thumbprints = new WeakMap<PublicJwk, Promise<string>>();

/** The key's RFC 7638 SHA-256 thumbprint, hashed once per key object by `provider`. */
export function thumbprintOf(jwk: PublicJwk, provider: SignatureProvider): Promise<string> {
  let known = thumbprints.get(jwk);
  if (known === undefined) thumbprints.set(jwk, (known = jwkThumbprint(jwk as never, provider)));
  return known;
}

/** What checking a set against pins needs besides the set. */
export interface PinContext {
  readonly pins: ReadonlySet<string>;
  readonly provider: SignatureProvider;
  readonly emit: EmitEvent;
  readonly sourceId: string;
}

/**
 * Keeps the pinned keys of a screened set, key by key: an unpinned key is left out (event
 * `keys:unpinned`) and remembered, so a token naming it learns why. A set holding no pinned key
 * at all is refused whole (ERR_KEY_INVALID naming its thumbprints), like a failed fetch.
 */
export async function keepPinned(
  set: ScreenedKeys,
  where: string,
  context: PinContext,
): Promise<ScreenedKeys> {
  const printed = await Promise.all(set.keys.map((jwk) => thumbprintOf(jwk, context.provider)));
  const keys: PublicJwk[] = [];
  const refused: Record<string, string> = Object.assign(Object.create(null), set.refused);
  set.keys.forEach((jwk, at) => {
    const thumbprint = printed[at]!;
    if (context.pins.has(thumbprint)) return void keys.push(jwk);
    refused[jwk.kid ?? ''] = `it is not pinned (its RFC 7638 thumbprint is ${thumbprint})`;
    context.emit({ type: 'keys:unpinned', source: context.sourceId, kid: jwk.kid, thumbprint });
  });
  if (keys.length === 0) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `${where} holds no pinned key (its thumbprints: ${printed.join(', ') || 'none'}). ` +
        'If the issuer rotated its keys, add the new thumbprint to pins.',
    );
  }
  return { keys, refused };
}
