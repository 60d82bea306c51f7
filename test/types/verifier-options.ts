// Should-not-compile checks for the public types, as users import them. Each
// `@ts-expect-error` line must fail to compile: were the types to accept it, tsc would report
// the directive as unused and `npm run typecheck` would fail. Checked, never run.
import {
  createIdTokenVerifier,
  createVerifier,
  discovery,
  jwks,
  localJwks,
  pem,
  type Algorithm,
  type VerifierOptions,
} from 'tokenward';

const keys = jwks('https://idp.example.com/.well-known/jwks.json');

// The secure defaults are required: issuer and audience must be given (or null, explicitly).
// @ts-expect-error: issuer left out
createVerifier({ keys, audience: 'my-spa' });
// @ts-expect-error: audience left out
createVerifier({ keys, issuer: 'https://idp.example.com' });
// @ts-expect-error: issuer left out, with a PEM key
createVerifier({ keys: pem('-----BEGIN PUBLIC KEY-----'), audience: 'my-spa' });
// @ts-expect-error: issuer left out, with inline keys
createVerifier({ keys: localJwks({ keys: [] }), audience: null });
createVerifier({ keys, issuer: null, audience: null });
createVerifier({ keys, issuer: ['https://a.example', 'https://b.example'], audience: 'my-spa' });

// discovery() names its issuer, so there (and only there) issuer may be left out.
createVerifier({ keys: discovery('https://idp.example.com'), audience: 'my-spa' });
createVerifier({ keys: discovery('https://idp.example.com'), issuer: null, audience: 'my-spa' });
// @ts-expect-error: audience is still required with discovery()
createVerifier({ keys: discovery('https://idp.example.com') });

// Only the asymmetric algorithms tokenward verifies.
createVerifier({ keys, issuer: null, audience: null, algorithms: ['RS256', 'ES256', 'EdDSA'] });
// @ts-expect-error: HS256 is a shared secret, never verifiable on a client
createVerifier({ keys, issuer: null, audience: null, algorithms: ['HS256'] });
// @ts-expect-error: alg none
createVerifier({ keys, issuer: null, audience: null, algorithms: ['none'] });
// @ts-expect-error: a typo is caught before run time
createVerifier({ keys, issuer: null, audience: null, algorithms: ['RS265'] });
// @ts-expect-error: the ID-token verifier takes the same union
createIdTokenVerifier({ issuer: 'https://idp.example.com', clientId: 'x', algorithms: ['HS512'] });

// A variable typed as the options still works when it is complete.
const options: VerifierOptions = { keys, issuer: 'https://idp.example.com', audience: 'my-spa' };
createVerifier(options);
const algorithm: Algorithm = 'PS256';
createVerifier({ ...options, algorithms: [algorithm] });
