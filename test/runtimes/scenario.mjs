// One conformance scenario, run unchanged in every runtime against the built package.
// `tokenward` is the module under test (ESM build, CJS build or the IIFE global); `input` holds
// the key server's URL and tokens made by the host. Returns one row per check.

export async function runScenario(tokenward, input) {
  const { createVerifier, jwks, discovery, pem, isVerificationError } = tokenward;
  const { keyServer, issuer, audience, tokens } = input;
  const rows = [];
  const check = async (name, verifier, token, expected) => {
    try {
      const { payload } = await verifier.verify(token);
      rows.push({ name, expected, got: 'OK', sub: payload.sub });
    } catch (error) {
      rows.push({
        name,
        expected,
        got: isVerificationError(error) ? error.code : `UNEXPECTED ${error}`,
      });
    }
  };

  const viaJwks = createVerifier({
    keys: jwks(`${keyServer}/jwks`, { cooldown: 0, retry: 0 }),
    issuer,
    audience,
  });
  await check('jwks: valid RS256', viaJwks, tokens.valid, 'OK');
  await check('jwks: tampered payload', viaJwks, tokens.tampered, 'ERR_SIGNATURE_INVALID');
  await check('jwks: expired', viaJwks, tokens.expired, 'ERR_TOKEN_EXPIRED');
  await check('jwks: alg none', viaJwks, tokens.none, 'ERR_ALG_NOT_ALLOWED');
  // Refetches past the HTTP cache (cache: 'no-cache', or 'no-store' where refused) before giving up.
  await check('jwks: unknown kid', viaJwks, tokens.unknownKid, 'ERR_KEY_NOT_FOUND');

  const viaDiscovery = createVerifier({ keys: discovery(keyServer, { retry: 0 }), audience });
  await check('discovery: valid', viaDiscovery, tokens.fromDiscoveryIssuer, 'OK');

  const viaPem = createVerifier({
    keys: pem(`${keyServer}/rs256.pub`, { retry: 0 }),
    issuer,
    audience,
  });
  await check('pem(url): valid', viaPem, tokens.valid, 'OK');
  await check('pem(url): tampered', viaPem, tokens.tampered, 'ERR_SIGNATURE_INVALID');
  return rows;
}
