import { AUDIENCE, ISSUER } from '../helpers/keys.js';
import { sig, type Rule } from './rule.js';
import { derSignature, flipBit } from './signing.js';
import { choose, token, withPart } from './tokens.js';

// Claims out of range or of the wrong type, and signatures that must not verify.

export const claims: Rule[] = [
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
    rfc: 'RFC 7519 §4.1.1, RFC 8725 §3.8',
    verdict: 'reject',
    make: (d) => token(d, { claims: { iss: choose(d, ['https://evil.test', `${ISSUER}/`]) } }),
  },
];

export const signatures: Rule[] = [
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
