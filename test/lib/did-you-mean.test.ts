import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../src/lib/did-you-mean.js';

describe('did you mean', () => {
  it('finds the option a typo was meant to be', () => {
    expect(closest('leway', ['leeway', 'clock', 'memo'])).toBe('leeway');
    expect(closest('AUDIENCE', ['issuer', 'audience'])).toBe('audience');
    expect(closest('requiredClaim', ['requiredClaims', 'maxTokenAge'])).toBe('requiredClaims');
  });

  it('suggests nothing for a word unlike any candidate', () => {
    expect(closest('frobnicate', ['leeway', 'clock'])).toBeUndefined();
    expect(didYouMean('frobnicate', ['leeway'])).toBe('');
  });

  it('words the suggestion for a message', () => {
    expect(didYouMean('leway', ['leeway'])).toBe(' (did you mean "leeway"?)');
  });
});
