import { describe, expect, it } from 'vitest';
import { portableAnswer, webCryptoAnswer } from '../helpers/providers.js';
import { loadVectors, VECTOR_FILES } from '../helpers/wycheproof.js';

// The same vectors through both providers, "acceptable" ones included: the same answer for
// every one (a throw from WebCrypto, e.g. for a signature it cannot parse, counts as a refusal).
describe.each(VECTOR_FILES)(
  'Wycheproof %s: portableCrypto answers as WebCrypto (%s)',
  (name, alg) => {
    const groups = loadVectors(name).filter((group) => group.refused === undefined);
    const total = groups.reduce((sum, group) => sum + group.tests.length, 0);

    it(`gives WebCrypto's answer for all ${total} vectors`, async () => {
      const differ: string[] = [];
      for (const { jwk, tests } of groups) {
        for (const test of tests) {
          const web = await webCryptoAnswer(jwk as JsonWebKey, alg, test.msg, test.sig);
          const portable = await portableAnswer(jwk as JsonWebKey, alg, test.msg, test.sig);
          const refuses = (answer: boolean | 'refused') => answer !== true;
          if (refuses(web) !== refuses(portable))
            differ.push(
              `tcId ${test.tcId} (${test.result}): WebCrypto ${web}, portable ${portable}`,
            );
        }
      }
      expect(differ).toEqual([]);
    }, 120_000); // P-521 in pure JS, on a machine shared with other jobs
  },
);
