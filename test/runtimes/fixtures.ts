import { UnsecuredJWT } from 'jose';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, decodePart, ISSUER, makeKey, sign, withPart } from '../helpers/keys.js';

export interface ScenarioInput {
  keyServer: string;
  issuer: string;
  audience: string;
  tokens: Record<string, string>;
}

/** A key server on 127.0.0.1 serving JWKS, discovery and PEM, and the tokens the scenario checks. */
export async function startScenarioServer(): Promise<{ server: KeyServer; input: ScenarioInput }> {
  const server = await new KeyServer().start();
  const [key, stranger] = await Promise.all([makeKey('rt-1'), makeKey('rt-unknown')]);
  server.json('/jwks', { keys: [key.publicJwk] });
  server.json('/.well-known/openid-configuration', {
    issuer: server.url,
    jwks_uri: `${server.url}/jwks`,
  });
  server.routes.set('/rs256.pub', { body: key.publicPem, type: 'application/x-pem-file' });
  const now = Math.floor(Date.now() / 1000);
  const valid = await sign(key, { exp: now + 3600 });
  const tokens = {
    valid,
    tampered: withPart(valid, 1, { ...decodePart(valid, 1), sub: 'admin' }),
    expired: await sign(key, { iat: now - 7200, exp: now - 3600 }),
    none: new UnsecuredJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 3600 }).encode(),
    unknownKid: await sign(stranger),
    fromDiscoveryIssuer: await sign(key, { iss: server.url, exp: now + 3600 }),
  };
  return { server, input: { keyServer: server.url, issuer: ISSUER, audience: AUDIENCE, tokens } };
}

export const EXPECTED_ROWS = 8;
