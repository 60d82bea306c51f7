import { AUDIENCE, ISSUER, type TestKey } from '../helpers/keys.js';
import { encodeJson, encodeText, signInput, type Signer } from './signing.js';

// The pieces a corpus rule builds its tokens from: one seeded variant of the claims, the
// canonical header and payload for it, and signing with the parts spelled as the rule wants.

/** What fast-check draws for one token: the claims around the rule's own edit. */
export interface Variant {
  sub: string;
  extra: Record<string, unknown>;
  /** Seconds until `exp` (or since, for a rule that wants it past). */
  life: number;
  /** Seconds since `iat`. */
  age: number;
  audArray: boolean;
  /** A number for the rule's own choices (which spelling, which bit). */
  pick: number;
}

/** What every rule gets: the signer of its algorithm, the variant and the frozen time. */
export interface Draw {
  signer: Signer;
  variant: Variant;
  now: number;
  /** A real server on 127.0.0.1 serving the impostor keys: `jku`/`x5u` point there. */
  attacker: string;
}

export function headerOf(draw: Draw, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: draw.signer.alg, kid: draw.signer.key.kid, typ: 'JWT', ...extra };
}

/** The claims of a valid token; `edit` overrides or (as undefined) removes members. */
export function claimsOf(draw: Draw, edit: Record<string, unknown> = {}): Record<string, unknown> {
  const { variant: v, now } = draw;
  const claims: Record<string, unknown> = {
    ...v.extra,
    iss: ISSUER,
    sub: v.sub,
    aud: v.audArray ? ['another-api', AUDIENCE] : AUDIENCE,
    iat: now - v.age,
    exp: now + v.life,
    ...edit,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** A token signed over the parts as written: `header` and `payload` are already encoded. */
export async function signed(key: TestKey, header: string, payload: string): Promise<string> {
  return `${header}.${payload}.${await signInput(key, `${header}.${payload}`)}`;
}

/** A canonical token of the draw, with edits to the header and claims. */
export function token(
  draw: Draw,
  edits: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: TestKey } = {},
): Promise<string> {
  return signed(
    edits.key ?? draw.signer.key,
    encodeJson(headerOf(draw, edits.header)),
    encodeJson(claimsOf(draw, edits.claims)),
  );
}

/** A token whose header and payload JSON text are given as written (odd spellings, duplicates). */
export function tokenOfText(draw: Draw, header: string, payload: string): Promise<string> {
  return signed(draw.signer.key, encodeText(header), encodeText(payload));
}

/** Replaces one part of a token. */
export function withPart(token: string, index: 0 | 1 | 2, part: string): string {
  const parts = token.split('.');
  parts[index] = part;
  return parts.join('.');
}

/** One of `choices`, by the variant's pick. */
export const choose = <T>(draw: Draw, choices: readonly T[]): T =>
  choices[draw.variant.pick % choices.length]!;

/**
 * Re-makes a token with a counter claim until `fits` holds: for edits that need a part of a
 * given shape (a length that leaves spare bits, a `-` to respell).
 */
export async function until(
  make: (counter: number) => Promise<string>,
  fits: (token: string) => boolean,
): Promise<string> {
  for (let counter = 0; counter < 64; counter++) {
    const made = await make(counter);
    if (fits(made)) return made;
  }
  throw new Error('no token of the wanted shape in 64 tries');
}
