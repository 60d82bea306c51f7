import fc from 'fast-check';
import { createVerifier, localJwks, type Verifier } from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, type TestKey } from '../helpers/keys.js';

// Token mutations for the fuzz properties: edits of characters, edits of the encoding that keep
// the bytes, and re-encodings of the JSON that keep the meaning.

export const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One character edit at a position given as a fraction, so it shrinks toward the start. */
export type Edit =
  { op: 'replace' | 'insert'; at: number; char: string } | { op: 'delete'; at: number };

const character = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...BASE64URL) },
  { weight: 2, arbitrary: fc.constantFrom('.', '=', '+', '/', ' ', '%', '\n', '\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: character }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), char: character }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
);

/**
 * Where an edit lands: anywhere, or (half the time) within two characters of a part's end,
 * where the spare bits of base64url and the dots live.
 */
function position(token: string, at: number, insert: boolean): number {
  const length = token.length + (insert ? 1 : 0);
  if (at % 2 === 0) return Math.floor(at / 2) % length;
  const ends = [...token.matchAll(/\./g)].map((m) => m.index).concat(token.length);
  const end = ends[Math.floor(at / 2) % ends.length]!;
  return Math.max(0, Math.min(length - 1, end - 1 - (Math.floor(at / 8) % 2)));
}

export function applyEdits(token: string, edits: readonly Edit[]): string {
  let chars = [...token];
  for (const e of edits) {
    const text = chars.join('');
    if (chars.length === 0 && e.op !== 'insert') continue;
    const at = position(text, e.at, e.op === 'insert');
    if (e.op === 'replace') chars[at] = e.char;
    else if (e.op === 'insert') chars.splice(at, 0, e.char);
    else chars = chars.filter((_, i) => i !== at);
  }
  return chars.join('');
}

/** Every other spelling of the last character of `part` that decodes to the same bytes. */
export function sameBytesSpellings(part: string): string[] {
  const spare = part.length % 4 === 2 ? 4 : part.length % 4 === 3 ? 2 : 0;
  if (spare === 0) return [];
  const last = BASE64URL.indexOf(part.at(-1)!);
  const head = last & ~((1 << spare) - 1);
  return Array.from({ length: 1 << spare }, (_, low) => head | low)
    .filter((value) => value !== last)
    .map((value) => part.slice(0, -1) + BASE64URL[value]!);
}

/** Ways to spell the same bytes outside base64url: padding and the standard alphabet. */
export const encodingChange = fc.constantFrom(
  (part: string) => `${part}=`,
  (part: string) => `${part}==`,
  (part: string) => part.replaceAll('-', '+').replaceAll('_', '/'),
  (part: string) => part.replace(/[-_]/, (c) => (c === '-' ? '+' : '/')),
  (part: string) => `${part}${'='.repeat((4 - (part.length % 4)) % 4)}`,
  (part: string) => `${part.slice(0, 4)}\n${part.slice(4)}`,
  (part: string) => ` ${part}`,
);

/** Re-serialises a JSON object with the same meaning: member order, spacing, escapes. */
export const jsonRespelling = fc.record({
  reverse: fc.boolean(),
  indent: fc.constantFrom(undefined, 0, 1, 2, '\t'),
  escapeAscii: fc.boolean(),
  leading: fc.constantFrom('', ' ', '\n', '\r\n\t'),
  trailing: fc.constantFrom('', ' ', '\n'),
  duplicateFirst: fc.boolean(),
});

export type JsonRespelling = typeof jsonRespelling extends fc.Arbitrary<infer T> ? T : never;

export function respell(value: Record<string, unknown>, how: JsonRespelling): string {
  const entries = Object.entries(value);
  if (how.reverse) entries.reverse();
  let text = JSON.stringify(Object.fromEntries(entries), null, how.indent);
  if (how.escapeAscii)
    // "a" and "\u0061" are the same JSON string (RFC 8259 §7).
    text = text.replace(/"([^"\\]*)"/g, (_m, s: string) =>
      JSON.stringify(s).replace(
        /[a-z]/,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    );
  if (how.duplicateFirst && entries.length > 0) {
    // The same member twice with the same value: JSON.parse keeps the last (RFC 7515 §5.2).
    const [name, member] = entries[0]!;
    text = text.replace('{', `{${JSON.stringify(name)}:${JSON.stringify(member)},`);
  }
  return how.leading + text + how.trailing;
}

/** The keys and verifier both token suites fuzz: one RS256 and one ES256 key, both allowed. */
export async function rsAndEsVerifier(): Promise<{ rs: TestKey; es: TestKey; verifier: Verifier }> {
  const [rs, es] = await Promise.all([makeKey('rs', 'RS256'), makeKey('es', 'ES256')]);
  const verifier = createVerifier({
    keys: localJwks({ keys: [rs.publicJwk, es.publicJwk] }),
    algorithms: ['RS256', 'ES256'],
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  return { rs, es, verifier };
}
