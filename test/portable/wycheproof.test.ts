import { describe, expect, it } from 'vitest';
import { portableCrypto } from '../../src/portable.js';
import { loadVectors, VECTOR_FILES } from '../helpers/wycheproof.js';

// Every Wycheproof vector of the vendored files through portableCrypto: "valid" verifies,
// "invalid" is refused. "acceptable" (only MissingNull here: a PKCS#1 DigestInfo without its
// NULL parameters) is refused, since the expected block is re-encoded whole with the NULL;
// WebCrypto refuses it too (./parity.test.ts). Keys the key guard refuses are skipped, counted.
describe.each(VECTOR_FILES)('Wycheproof %s through portableCrypto as %s', (name, alg) => {
  const groups = loadVectors(name);
  const used = groups.filter((group) => group.refused === undefined);
  const count = (result: string) =>
    used.flatMap((group) => group.tests).filter((test) => test.result === result).length;
  const skipped = groups.length - used.length;

  it(`${count('valid')} valid verify, ${count('invalid')} invalid and ${count('acceptable')} acceptable are refused (${skipped} keys the guard refuses skipped)`, async () => {
    expect(count('valid')).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const group of used) {
      const key = await portableCrypto.importKey(group.jwk, alg);
      for (const test of group.tests) {
        const answer = await portableCrypto.verify(alg, key, test.msg, test.sig);
        if (answer !== (test.result === 'valid'))
          wrong.push(`tcId ${test.tcId} (${test.result}, ${test.flags.join(' ')}): ${answer}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000); // P-521 in pure JS, on a machine shared with other jobs
});
