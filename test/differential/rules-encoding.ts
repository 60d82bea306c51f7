import { sameBytesSpellings } from '../fuzz/token-arbitraries.js';
import { sig, type Rule } from './rule.js';
import { encodeJson, encodeText } from './signing.js';
import {
  choose,
  claimsOf,
  headerOf,
  signed,
  token,
  tokenOfText,
  until,
  withPart,
} from './tokens.js';

// Spellings outside canonical base64url and the compact form: padding, spare bits, the standard
// alphabet, whitespace, trailing data; and the size bound.

const payloadPart = (t: string) => t.split('.')[1]!;
/** `text` with `insert` put inside it (never first or last), at a place chosen by `pick`. */
const insertAt = (text: string, pick: number, insert: string) => {
  const at = 1 + (pick % (text.length - 1));
  return `${text.slice(0, at)}${insert}${text.slice(at)}`;
};
const WHITESPACE =
  'base64url has no whitespace; a decoder that skips it gives one signed token many ' +
  'spellings, and a token is copied through headers, logs and URLs where whitespace is trimmed';
const CANONICAL_SIGNED =
  'one decoder reads every part and takes only base64url as RFC 7515 §2 defines it: an issuer ' +
  'writing `=` or spare bits is broken, and leniency in signed parts is leniency in the signature';
const CANONICAL =
  'one spelling per token: a second spelling of the same signed bytes slips past revocation ' +
  'lists, replay caches and the memo, which are keyed by the token string';

export const encodings: Rule[] = [
  {
    id: 'padding-signature',
    title: 'signature with the `==` padding base64 would write',
    rfc: 'RFC 7515 §2 (base64url without padding)',
    verdict: 'reject',
    why: CANONICAL,
    make: async (d) => `${await token(d)}==`,
  },
  {
    id: 'padding-signature-wrong',
    title: 'signature with one `=`, which is not even valid base64 padding',
    rfc: 'RFC 7515 §2',
    verdict: 'reject',
    why: CANONICAL,
    make: async (d) => `${await token(d)}=`,
  },
  {
    id: 'padding-header',
    title: 'header with `=` padding, signed that way',
    rfc: 'RFC 7515 §2',
    verdict: 'reject',
    why: CANONICAL_SIGNED,
    make: (d) => {
      const header = encodeJson(headerOf(d));
      const padded = `${header}${'='.repeat((4 - (header.length % 4)) % 4) || '='}`;
      return signed(d.signer.key, padded, encodeJson(claimsOf(d)));
    },
  },
  {
    id: 'spare-bits-signature',
    title: 'signature whose last character has non-zero spare bits (same bytes)',
    rfc: 'RFC 4648 §3.5 (decoders may reject)',
    verdict: 'either',
    policy: 'reject',
    why: CANONICAL,
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, choose(d, sameBytesSpellings(sig(t))));
    },
  },
  {
    id: 'spare-bits-payload',
    title: 'payload whose last character has non-zero spare bits, signed that way',
    rfc: 'RFC 4648 §3.5 (decoders may reject)',
    verdict: 'either',
    policy: 'reject',
    why: CANONICAL_SIGNED,
    make: async (d) => {
      const plain = await until(
        (n) => token(d, { claims: { n } }),
        (t) => payloadPart(t).length % 4 !== 0,
      );
      const [header, payload] = plain.split('.') as [string, string];
      return signed(d.signer.key, header, choose(d, sameBytesSpellings(payload)));
    },
  },
  {
    id: 'standard-alphabet',
    title: 'signature in the standard alphabet (`+`, `/`)',
    rfc: 'RFC 7515 §2',
    verdict: 'reject',
    why: CANONICAL,
    make: async (d) => {
      const t = await until(
        (n) => token(d, { claims: { n } }),
        (made) => /[-_]/.test(sig(made)),
      );
      return withPart(t, 2, sig(t).replaceAll('-', '+').replaceAll('_', '/'));
    },
  },
  {
    id: 'whitespace-signed',
    title: 'a leading space in the header or a line break in the payload, signed that way',
    rfc: 'RFC 7515 §2, §7.1',
    verdict: 'reject',
    why: WHITESPACE,
    make: (d) => {
      const header = encodeJson(headerOf(d));
      const payload = encodeJson(claimsOf(d));
      return d.variant.pick % 2 === 0
        ? signed(d.signer.key, ` ${header}`, payload)
        : signed(d.signer.key, header, insertAt(payload, d.variant.pick, '\r\n'));
    },
  },
  {
    id: 'whitespace-signature',
    title: 'a space inside the signature',
    rfc: 'RFC 7515 §2, §7.1',
    verdict: 'reject',
    why: WHITESPACE,
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, insertAt(sig(t), d.variant.pick, ' '));
    },
  },
  {
    id: 'whitespace-trailing',
    title: 'a line break after the token',
    rfc: 'RFC 7515 §7.1',
    verdict: 'reject',
    why: WHITESPACE,
    make: async (d) => `${await token(d)}\n`,
  },
  {
    id: 'trailing-data',
    title: 'data after the token, the signature or the payload JSON',
    rfc: 'RFC 7515 §7.1, RFC 8259 §2',
    verdict: 'reject',
    make: async (d) => {
      const header = encodeJson(headerOf(d));
      const claims = JSON.stringify(claimsOf(d));
      switch (d.variant.pick % 4) {
        case 0: // a fourth part, signed over all that precedes it
          return signed(d.signer.key, header, `${encodeText(claims)}.IA`);
        case 1:
          return `${await tokenOfText(d, JSON.stringify(headerOf(d)), claims)}AAAA`;
        case 2:
          return tokenOfText(d, JSON.stringify(headerOf(d)), `${claims} x`);
        default:
          return `${await tokenOfText(d, JSON.stringify(headerOf(d)), claims)}.`;
      }
    },
  },
  {
    id: 'over-16-kib',
    title: 'a valid token longer than 16 KiB',
    rfc: 'none: the RFCs set no size limit',
    verdict: 'either',
    policy: 'reject',
    why:
      'input is bounded before any parsing: a token is read by every request, and ID and ' +
      'access tokens are a few KiB',
    make: (d) => token(d, { claims: { pad: 'x'.repeat(12_500 + (d.variant.pick % 2000)) } }),
  },
];
