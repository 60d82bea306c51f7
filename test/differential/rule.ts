import type { Alg } from './signing.js';
import type { Draw } from './tokens.js';

// A corpus rule makes tokens of one kind and carries the verdict the RFCs give. `either` is for
// what the RFCs leave to the recipient; `policy` is then what tokenward does, and `why` says why
// (docs/differential.md quotes it where tokenward is the stricter one).

export type Verdict = 'accept' | 'reject';

export interface Rule {
  id: string;
  /** What the token is, in a few words. */
  title: string;
  /** The RFC section that decides. */
  rfc: string;
  verdict: Verdict | 'either';
  /** tokenward's verdict where the RFCs leave the choice to the recipient. */
  policy?: Verdict;
  /** Why tokenward refuses, where a peer accepts (quoted in docs/differential.md). */
  why?: string;
  /** Only these algorithms (default: all). */
  algs?: readonly Alg[];
  make: (draw: Draw) => Promise<string>;
}

/** What tokenward must answer for a token of `rule`. */
export const expected = (rule: Rule): Verdict =>
  rule.verdict === 'either' ? rule.policy! : rule.verdict;

export const sig = (t: string): string => t.split('.')[2]!;
