import { sig, type Rule } from './rule.js';
import { encodeJson, highS, hmacSign } from './signing.js';
import { choose, claimsOf, headerOf, token, tokenOfText, withPart } from './tokens.js';

// The well-formed tokens, duplicate JSON members, and header or payload JSON that is not an object.

export const valid: Rule[] = [
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

export const duplicates: Rule[] = [
  {
    id: 'duplicate-alg-last-valid',
    title: 'header `alg` twice, `HS256` first and the real one last',
    rfc: 'RFC 7515 §4 (reject, or use the last)',
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
    rfc: 'RFC 7515 §4',
    verdict: 'reject',
    make: (d) => {
      const header = JSON.stringify(headerOf(d)).replace(/}$/, ',"alg":"none"}');
      return tokenOfText(d, header, JSON.stringify(claimsOf(d)));
    },
  },
  {
    id: 'duplicate-exp-last-past',
    title: '`exp` twice, the last one past',
    rfc: 'RFC 7519 §4',
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
    rfc: 'RFC 7519 §4 (reject, or use the last)',
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
    rfc: 'RFC 7519 §4',
    verdict: 'reject',
    make: (d) => {
      const payload = JSON.stringify(claimsOf(d)).replace(/}$/, ',"iss":"https://evil.test"}');
      return tokenOfText(d, JSON.stringify(headerOf(d)), payload);
    },
  },
];

export const structure: Rule[] = [
  {
    id: 'header-not-object',
    title: 'header JSON an array, string, number, `null` or cut short, signed',
    rfc: 'RFC 7515 §5.2 step 3, RFC 7519 §7.2 step 4',
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
    title: '`crit` naming an extension not understood',
    rfc: 'RFC 7515 §4.1.11 (the JWS is invalid)',
    verdict: 'reject',
    make: (d) => token(d, { header: { crit: ['urn:example:policy'], 'urn:example:policy': 1 } }),
  },
  {
    id: 'crit-misused',
    title: '`crit` empty, or naming a parameter RFC 7515 defines (`kid`)',
    rfc: 'RFC 7515 §4.1.11 (recipients may reject)',
    verdict: 'either',
    policy: 'reject',
    why: 'no producer that follows RFC 7515 writes it, and each recipient reads it its own way',
    make: (d) => token(d, { header: choose(d, [{ crit: ['kid'] }, { crit: [] }]) }),
  },
  {
    id: 'b64-false',
    title: '`b64: false` listed in `crit`, over the usual signing input',
    rfc: 'RFC 7519 §7.2 step 9 (a JWT payload is base64url)',
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
