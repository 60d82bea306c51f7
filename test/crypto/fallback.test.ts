import { describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { withFallback } from '../../src/crypto/fallback.js';

// Providers as plain objects (the seam is injectable): which one imports, which one checks.
const jwk = { kty: 'OKP', crv: 'Ed448', x: 'AA' } as PublicJwk;
const data = new Uint8Array([1]);
const failing = (name: string) => () => {
  throw new DOMException(`${name} says no`, name);
};

function provider(name: string, importKey: SignatureProvider['importKey']) {
  const checked: string[] = [];
  const self: SignatureProvider<object> = {
    name,
    importKey: importKey as SignatureProvider<object>['importKey'],
    verify: () => {
      checked.push(name);
      return true;
    },
    digest: () => new Uint8Array([name.length]),
  };
  return { self, checked };
}

describe('withFallback (the Node build: node:crypto, then WebCrypto)', () => {
  it('checks with the primary what the primary imported, on the same turn', () => {
    const primary = provider('primary', () => ({ mine: 1 }));
    const secondary = provider('secondary', failing('NotSupportedError'));
    const both = withFallback(primary.self, () => secondary.self);
    const key = both.importKey(jwk, 'Ed448');
    expect(key).toEqual({ mine: 1 });
    expect(both.verify('Ed448', key, data, data)).toBe(true);
    expect([primary.checked, secondary.checked]).toEqual([['primary'], []]);
    expect([both.name, both.digest('SHA-256', data)]).toEqual(['primary', new Uint8Array([7])]);
  });

  it('imports with the secondary what the primary cannot, and checks it there', async () => {
    const primary = provider('primary', failing('TypeError'));
    const secondary = provider('secondary', async () => ({ theirs: 1 }));
    const both = withFallback(primary.self, () => secondary.self);
    const key = await both.importKey(jwk, 'Ed448');
    expect(await both.verify('Ed448', key, data, data)).toBe(true);
    expect([primary.checked, secondary.checked]).toEqual([[], ['secondary']]);
  });

  it("says NotSupportedError when neither has the algorithm, else the primary's own error", async () => {
    const primaryError = failing('DataError');
    const notSupported = withFallback(
      provider('p', primaryError).self,
      () => provider('s', failing('NotSupportedError')).self,
    );
    await expect(notSupported.importKey(jwk, 'Ed448')).rejects.toMatchObject({
      name: 'NotSupportedError',
    });
    const badKey = withFallback(
      provider('p', primaryError).self,
      () => provider('s', failing('OperationError')).self,
    );
    await expect(badKey.importKey(jwk, 'Ed448')).rejects.toMatchObject({ name: 'DataError' });
    const alone = withFallback(provider('p', primaryError).self, () => undefined);
    await expect(alone.importKey(jwk, 'Ed448')).rejects.toMatchObject({ name: 'DataError' });
  });
});
