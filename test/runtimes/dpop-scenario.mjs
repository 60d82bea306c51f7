// createDpopVerifier against the same token and proofs in every runtime: each row says what was
// expected and what this runtime got. `tokenward` is the built package, passed in.
export async function runDpopScenario(tokenward, input) {
  const { createDpopVerifier, createVerifier, localJwks } = tokenward;
  const verifier = createDpopVerifier({
    verifier: createVerifier({
      keys: localJwks(input.jwk),
      issuer: input.issuer,
      audience: input.audience,
    }),
  });
  const rows = [];
  for (const [name, proof, expected, scheme = 'DPoP'] of input.cases) {
    const request = new Request(input.url, {
      headers: { authorization: `${scheme} ${input.token}`, dpop: proof },
    });
    let got;
    try {
      const { jkt } = await verifier.verify(request);
      got = jkt === input.jkt ? 'OK' : `OK but jkt ${jkt}`;
    } catch (error) {
      got = `${error.code}:${error.claim ?? ''}`;
    }
    rows.push({ name, expected, got });
  }
  return rows;
}
