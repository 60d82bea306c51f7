import { sameBytesSpellings } from '../fuzz/token-arbitraries.js';
import { AUDIENCE, ISSUER } from '../helpers/keys.js';
import {
  derSignature,
  encodeJson,
  encodeText,
  flipBit,
  highS,
  hmacSign,
  type Alg,
} from './signing.js';
import {
  choose,
  claimsOf,
  headerOf,
  signed,
  token,
  tokenOfText,
  until,
  withPart,
  type Draw,
} from './tokens.js';

// The corpus rules: each makes tokens of one kind and carries the verdict the RFCs give.
// `either` is for what the RFCs leave to the recipient; `policy` is then what tokenward does,
// and `why` says why (docs/differential.md quotes it where tokenward is the stricter one).

export type Verdict = 'accept' | 'reject';

export interface Rule {
  id: string;
  /** What the token is, in a few words. */
  title: string;
  /** The RFC section that decides. */
  rfc: string;
  verdict: Verdict | 'either';
  /** tokenward's verdict where the RFCs leave the choice to the recipient. */
  policy?: Verdict;
  /** Why tokenward refuses, where a peer accepts (quoted in docs/differential.md). */
  why?: string;
  /** Only these algorithms (default: all). */
  algs?: readonly Alg[];
  make: (draw: Draw) => Promise<string>;
}

const sig = (t: string) => t.split('.')[2]!;
const payloadPart = (t: string) => t.split('.')[1]!;
/** `text` with `insert` put inside it (never first or last), at a place chosen by `pick`. */
const insertAt = (text: string, pick: number, insert: string) => {
  const at = 1 + (pick % (text.length - 1));
  return `${text.slice(0, at)}${insert}${text.slice(at)}`;
};
const WHITESPACE =
  'base64url has no whitespace; a decoder that skips it gives one signed token many ' +
  'spellings, and a token is copied through headers, logs and URLs where whitespace is trimmed';
const CANONICAL =
  'one spelling per token: a second spelling of the same signed bytes slips past revocation ' +
  'lists, replay caches and the memo, which are keyed by the token string';

const valid: Rule[] = [
  {
    id: 'valid',
    title: 'a well-formed token, claims in range',
    rfc: 'RFC 7519 §7.2',
    verdict: 'accept',
    make: (d) => token(d),
  },
  {
    id: 'json-whitespace',
    title: 'header and payload JSON with insignificant whitespace, signed',
    rfc: 'RFC 8259 §2',
    verdict: 'accept',
    make: (d) => {
      const pad = choose(d, [' ', '\n', '\r\n\t']);
      const text = (v: unknown) => `${pad}${JSON.stringify(v, null, 2)}${pad}`;
      return tokenOfText(d, text(headerOf(d)), text(claimsOf(d)));
    },
  },
  {
    id: 'no-kid',
    title: 'no `kid`; one key of the set fits the `alg`',
    rfc: 'RFC 7515 §4.1.4 (`kid` is optional)',
    verdict: 'accept',
    make: (d) => token(d, { header: { kid: undefined } }),
  },
  {
    id: 'key-hints-ignored',
    title: '`jku`, `x5u` and `jwk` naming another key; signed by the set’s key',
    rfc: 'RFC 8725 §3.10 (hints, not trust)',
    verdict: 'accept',
    make: (d) =>
      token(d, {
        header: {
          jku: `${d.attacker}/jwks.json`,
          x5u: `${d.attacker}/cert.pem`,
          jwk: d.signer.impostor.publicJwk,
        },
      }),
  },
  {
    id: 'high-s',
    title: 'ECDSA signature with high S (n − s)',
    rfc: 'RFC 7518 §3.4 (no low-S rule)',
    verdict: 'accept',
    algs: ['ES256'],
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, highS(sig(t)));
    },
  },
];

const duplicates: Rule[] = [
  {
    id: 'duplicate-alg-last-valid',
    title: 'header `alg` twice, `HS256` first and the real one last',
    rfc: 'RFC 7515 §5.2 (reject, or use the last)',
    verdict: 'either',
    policy: 'accept',
    make: (d) => {
      const header = JSON.stringify(headerOf(d)).replace('{', '{"alg":"HS256",');
      return tokenOfText(d, header, JSON.stringify(claimsOf(d)));
    },
  },
  {
    id: 'duplicate-alg-last-none',
    title: 'header `alg` twice, the real one first and `none` last',
    rfc: 'RFC 7515 §5.2',
    verdict: 'reject',
    make: (d) => {
      const header = JSON.stringify(headerOf(d)).replace(/}$/, ',"alg":"none"}');
      return tokenOfText(d, header, JSON.stringify(claimsOf(d)));
    },
  },
  {
    id: 'duplicate-exp-last-past',
    title: '`exp` twice, the last one past',
    rfc: 'RFC 7515 §5.2, RFC 7519 §4',
    verdict: 'reject',
    make: (d) => {
      const past = `,"exp":${d.now - d.variant.life}}`;
      return tokenOfText(
        d,
        JSON.stringify(headerOf(d)),
        JSON.stringify(claimsOf(d)).replace(/}$/, past),
      );
    },
  },
  {
    id: 'duplicate-aud-last-right',
    title: '`aud` twice, a wrong one first and ours last',
    rfc: 'RFC 7515 §5.2, RFC 7519 §4 (reject, or use the last)',
    verdict: 'either',
    policy: 'accept',
    make: (d) => {
      const payload = JSON.stringify(claimsOf(d)).replace('{', '{"aud":"someone-else",');
      return tokenOfText(d, JSON.stringify(headerOf(d)), payload);
    },
  },
  {
    id: 'duplicate-iss-last-wrong',
    title: '`iss` twice, ours first and a wrong one last',
    rfc: 'RFC 7515 §5.2, RFC 7519 §4',
    verdict: 'reject',
    make: (d) => {
      const payload = JSON.stringify(claimsOf(d)).replace(/}$/, ',"iss":"https://evil.test"}');
      return tokenOfText(d, JSON.stringify(headerOf(d)), payload);
    },
  },
];

const encodings: Rule[] = [
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
    why: CANONICAL,
    make: (d) => {
      const header = encodeJson(headerOf(d));
      const padded = `${header}${'='.repeat((4 - (header.length % 4)) % 4) || '='}`;
      return signed(d.signer.key, padded, encodeJson(claimsOf(d)));
    },
  },
  {
    id: 'spare-bits-signature',
    title: 'signature whose last character has non-zero spare bits (same bytes)',
    rfc: 'RFC 7515 §2, RFC 4648 §3.5',
    verdict: 'reject',
    why: CANONICAL,
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, choose(d, sameBytesSpellings(sig(t))));
    },
  },
  {
    id: 'spare-bits-payload',
    title: 'payload whose last character has non-zero spare bits, signed that way',
    rfc: 'RFC 7515 §2, RFC 4648 §3.5',
    verdict: 'reject',
    why: CANONICAL,
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

const structure: Rule[] = [
  {
    id: 'header-not-object',
    title: 'header JSON an array, string, number, `null` or cut short, signed',
    rfc: 'RFC 7515 §5.2 step 3, RFC 7519 §7.2',
    verdict: 'reject',
    make: (d) => {
      const header = choose(d, [
        '[]',
        '"JWT"',
        '256',
        'null',
        JSON.stringify(headerOf(d)).slice(0, -1),
      ]);
      return tokenOfText(d, header, JSON.stringify(claimsOf(d)));
    },
  },
  {
    id: 'payload-not-object',
    title: 'payload JSON an array, string, number or `null`, signed',
    rfc: 'RFC 7519 §7.2 step 10',
    verdict: 'reject',
    make: (d) => {
      const payload = choose(d, [
        '[]',
        `"${d.variant.sub.replace(/["\\]/g, '')}"`,
        '42',
        'null',
        'true',
      ]);
      return tokenOfText(d, JSON.stringify(headerOf(d)), payload);
    },
  },
  {
    id: 'alg-none',
    title: '`alg: none` (any case), with or without a signature',
    rfc: 'RFC 8725 §3.1, RFC 7518 §3.6',
    verdict: 'reject',
    make: async (d) => {
      const t = await token(d, { header: { alg: choose(d, ['none', 'None', 'NONE']) } });
      return d.variant.pick % 2 === 0 ? withPart(t, 2, '') : t;
    },
  },
  {
    id: 'hs256-confusion',
    title: '`alg: HS256` keyed with the public key (PEM or JWK) as the secret',
    rfc: 'RFC 8725 §2.1, §3.1',
    verdict: 'reject',
    make: async (d) => {
      const input = `${encodeJson(headerOf(d, { alg: 'HS256' }))}.${encodeJson(claimsOf(d))}`;
      const { publicPem, publicJwk } = d.signer.key;
      return `${input}.${await hmacSign(choose(d, [publicPem, JSON.stringify(publicJwk)]), input)}`;
    },
  },
  {
    id: 'crit-unknown',
    title: '`crit` naming an extension not understood, a registered name, or empty',
    rfc: 'RFC 7515 §4.1.11',
    verdict: 'reject',
    make: (d) =>
      token(d, {
        header: choose(d, [
          { crit: ['urn:example:policy'], 'urn:example:policy': 1 },
          { crit: ['kid'] },
          { crit: [] },
        ]),
      }),
  },
  {
    id: 'b64-false',
    title: '`b64: false` listed in `crit`, over the usual signing input',
    rfc: 'RFC 7519 §7.2 step 6 (a JWT payload is base64url)',
    verdict: 'reject',
    make: (d) => token(d, { header: { b64: false, crit: ['b64'] } }),
  },
  {
    id: 'b64-false-not-critical',
    title: '`b64: false` without `crit`, over the usual signing input',
    rfc: 'RFC 7797 §6 (`b64` must be critical), RFC 7519 §7.2',
    verdict: 'reject',
    why:
      'a header that asks for an unencoded payload without marking it critical is malformed, ' +
      'not a parameter to ignore: two recipients would read two different payloads',
    make: (d) => token(d, { header: { b64: false } }),
  },
];

const claims: Rule[] = [
  {
    id: 'exp-past',
    title: '`exp` in the past',
    rfc: 'RFC 7519 §4.1.4',
    verdict: 'reject',
    make: (d) => token(d, { claims: { exp: d.now - 1 - (d.variant.life % 86_400) } }),
  },
  {
    id: 'nbf-future',
    title: '`nbf` in the future',
    rfc: 'RFC 7519 §4.1.5',
    verdict: 'reject',
    make: (d) => token(d, { claims: { nbf: d.now + 1 + (d.variant.life % 3600) } }),
  },
  {
    id: 'iat-future',
    title: '`iat` in the future, `exp` later still',
    rfc: 'RFC 7519 §4.1.6 (no rule for a future `iat`)',
    verdict: 'either',
    policy: 'reject',
    why: 'a token issued in the future means a wrong clock or a forged token; `leeway` admits skew',
    make: (d) =>
      token(d, { claims: { iat: d.now + 60 + (d.variant.age % 3600), exp: d.now + 7200 } }),
  },
  {
    id: 'exp-string',
    title: '`exp` a string of digits, in the future',
    rfc: 'RFC 7519 §2 (NumericDate), §4.1.4',
    verdict: 'reject',
    why: 'a NumericDate is a JSON number; reading a string as one means two parsers can disagree',
    make: (d) => token(d, { claims: { exp: String(d.now + d.variant.life) } }),
  },
  {
    id: 'exp-missing',
    title: 'no `exp`, which the verifiers are configured to require',
    rfc: 'RFC 7519 §4 (required claims are the application’s)',
    verdict: 'reject',
    make: (d) => token(d, { claims: { exp: undefined } }),
  },
  {
    id: 'aud-wrong',
    title: '`aud` naming others only',
    rfc: 'RFC 7519 §4.1.3',
    verdict: 'reject',
    make: (d) =>
      token(d, { claims: { aud: choose(d, ['someone-else', ['a', 'b'], `${AUDIENCE} `]) } }),
  },
  {
    id: 'iss-wrong',
    title: '`iss` another issuer, or ours with a trailing slash',
    rfc: 'RFC 7519 §4.1.1',
    verdict: 'reject',
    make: (d) => token(d, { claims: { iss: choose(d, ['https://evil.test', `${ISSUER}/`]) } }),
  },
];

const signatures: Rule[] = [
  {
    id: 'signature-bit-flip',
    title: 'one bit of the signature flipped',
    rfc: 'RFC 7515 §5.2 step 8',
    verdict: 'reject',
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, flipBit(sig(t), d.variant.pick));
    },
  },
  {
    id: 'another-key',
    title: 'signed by another key under the same `kid`',
    rfc: 'RFC 7515 §5.2 step 8',
    verdict: 'reject',
    make: (d) => token(d, { key: d.signer.impostor }),
  },
  {
    id: 'ecdsa-der',
    title: 'ECDSA signature DER-encoded instead of r ‖ s',
    rfc: 'RFC 7518 §3.4',
    verdict: 'reject',
    algs: ['ES256'],
    make: async (d) => {
      const t = await token(d);
      return withPart(t, 2, derSignature(sig(t)));
    },
  },
  {
    id: 'kid-unknown',
    title: '`kid` naming no key of the set',
    rfc: 'RFC 7515 §4.1.4, §5.2',
    verdict: 'reject',
    make: (d) => token(d, { header: { kid: `unknown-${d.variant.pick % 1000}` } }),
  },
  {
    id: 'embedded-key',
    title: 'signed by another key that `jwk`/`jku` point to',
    rfc: 'RFC 8725 §3.10',
    verdict: 'reject',
    make: (d) =>
      token(d, {
        key: d.signer.impostor,
        header: { jwk: d.signer.impostor.publicJwk, jku: `${d.attacker}/jwks.json` },
      }),
  },
];

/** Every rule of the corpus, in the order docs/differential.md lists them. */
export const RULES: readonly Rule[] = [
  ...valid,
  ...duplicates,
  ...encodings,
  ...structure,
  ...claims,
  ...signatures,
];

/** What tokenward must answer for a token of `rule`. */
export const expected = (rule: Rule): Verdict =>
  rule.verdict === 'either' ? rule.policy! : rule.verdict;
