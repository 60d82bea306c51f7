/** One DER element (X.690 §8-10): its tag, its contents, and where the next element starts. */
export interface DerElement {
  readonly tag: number;
  readonly contents: Uint8Array;
  readonly end: number;
}

/**
 * Reads the element at `at`. DER only: a one-byte tag, a definite length in its shortest form,
 * contents inside the input; anything else throws (a key is never guessed from lenient BER).
 */
export function readElement(bytes: Uint8Array, at = 0): DerElement {
  const tag = bytes[at];
  let length = bytes[at + 1];
  if (tag === undefined || length === undefined || (tag & 0x1f) === 0x1f) throw malformed();
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || bytes[start] === 0) throw malformed(); // indefinite, huge or padded
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start++]!;
    if (length < 0x80) throw malformed(); // fits the short form
  }
  const end = start + length;
  if (end > bytes.length) throw malformed();
  return { tag, contents: bytes.subarray(start, end), end };
}

/** The elements inside a SEQUENCE's contents, each of the expected tag, nothing left over. */
export function readSequence(contents: Uint8Array, tags: readonly number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const tag of tags) {
    const element = readElement(contents, at);
    if (element.tag !== tag) throw malformed();
    parts.push(element.contents);
    at = element.end;
  }
  if (at !== contents.length) throw malformed();
  return parts;
}

/** The whole input is one element of this tag; its contents. */
export function readOnly(bytes: Uint8Array, tag: number): Uint8Array {
  const element = readElement(bytes);
  if (element.tag !== tag || element.end !== bytes.length) throw malformed();
  return element.contents;
}

/** An OBJECT IDENTIFIER's contents in dotted form (X.690 §8.19), e.g. '1.2.840.113549.1.1.1'. */
export function oidText(contents: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const [i, byte] of contents.entries()) {
    if (value === 0 && byte === 0x80) throw malformed(); // a padded arc
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) {
      if (i === contents.length - 1 || value > 2 ** 40) throw malformed();
      continue;
    }
    arcs.push(value);
    value = 0;
  }
  if (arcs.length === 0) throw malformed();
  const first = Math.min(2, Math.floor(arcs[0]! / 40));
  return [first, arcs[0]! - first * 40, ...arcs.slice(1)].join('.');
}

/** A positive INTEGER's magnitude, without the sign octet (X.690 §8.3). */
export function unsignedInteger(contents: Uint8Array): Uint8Array {
  const [first, second = 0] = contents;
  if (first === undefined || first & 0x80) throw malformed(); // empty or negative
  if (first === 0 && !(second & 0x80)) throw malformed(); // not the shortest form (or zero)
  return first === 0 ? contents.subarray(1) : contents;
}

/** The one error for bytes that are not the DER expected. */
export function malformed(): TypeError {
  return new TypeError('the key is not well-formed DER');
}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 };
