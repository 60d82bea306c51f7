// One conformance scenario, run unchanged in every runtime against the built package.
// `tokenward` is the module under test (ESM build, CJS build or the IIFE global); `input` holds
// the key server's URL and tokens made by the host. Returns one row per check, then a row naming
// the signature path this runtime took (node:crypto under the package's `node` condition).

export async function runScenario(tokenward, input) {
  const { result: rows, path } = await observeSignaturePath(() => checkAll(tokenward, input));
  // Outside the observation: the Node build may hand an algorithm node:crypto lacks to WebCrypto.
  const support = await algorithmSupport(tokenward, input);
  return [
    ...rows,
    { name: 'algorithm support', got: support },
    { name: 'signature path', got: path },
  ];
}

/**
 * What this runtime does with each algorithm, with the package's default provider: 'verified'
 * (a valid token verifies and a flipped signature bit is ERR_SIGNATURE_INVALID) or
 * 'ERR_ALG_UNSUPPORTED' (both refused so, unchecked); anything else is reported as it happened.
 */
async function algorithmSupport(tokenward, input) {
  const { createVerifier, jwks, isVerificationError } = tokenward;
  const verifier = createVerifier({
    keys: jwks(`${input.keyServer}/jwks-support`, { retry: 0 }),
    issuer: input.issuer,
    audience: input.audience,
    algorithms: [...new Set(Object.values(input.support).map(({ alg }) => alg))],
  });
  const outcome = (token) =>
    verifier.verify(token).then(
      () => 'OK',
      (error) => (isVerificationError(error) ? error.code : `UNEXPECTED ${error}`),
    );
  const support = {};
  for (const [row, { valid, flipped }] of Object.entries(input.support)) {
    const both = `${await outcome(valid)} / ${await outcome(flipped)}`;
    support[row] =
      both === 'OK / ERR_SIGNATURE_INVALID'
        ? 'verified'
        : both === 'ERR_ALG_UNSUPPORTED / ERR_ALG_UNSUPPORTED'
          ? 'ERR_ALG_UNSUPPORTED'
          : both;
  }
  return support;
}

async function checkAll(tokenward, input) {
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
        message: error?.message,
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

  const everyAlgorithm = createVerifier({
    keys: jwks(`${keyServer}/jwks-algorithms`, { retry: 0 }),
    issuer,
    audience,
    algorithms: Object.keys(input.algorithms),
  });
  for (const [alg, cases] of Object.entries(input.algorithms)) {
    await check(`${alg}: valid`, everyAlgorithm, cases.valid, 'OK');
    for (const kind of ['flipped', 'short', 'wrongKey'])
      await check(
        `${alg}: ${kind} signature`,
        everyAlgorithm,
        cases[kind],
        'ERR_SIGNATURE_INVALID',
      );
  }
  return rows;
}

/**
 * Runs `work` counting calls of crypto.subtle.verify (delegating each to the platform): a run
 * that verified signatures without one took the node:crypto path.
 */
async function observeSignaturePath(work) {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.verify;
  const own = Object.prototype.hasOwnProperty.call(subtle, 'verify');
  let calls = 0;
  try {
    subtle.verify = function (...args) {
      calls++;
      return original.apply(this, args);
    };
  } catch {
    return { result: await work(), path: 'unknown (crypto.subtle.verify not observable)' };
  }
  try {
    return { result: await work(), path: calls > 0 ? 'WebCrypto' : 'node:crypto' };
  } finally {
    if (own) subtle.verify = original;
    else delete subtle.verify;
  }
}
