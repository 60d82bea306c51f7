import { claims, signatures } from './rules-claims.js';
import { encodings } from './rules-encoding.js';
import { duplicates, structure, valid } from './rules-json.js';
import type { Rule } from './rule.js';

/** Every rule of the corpus, in the order docs/differential.md lists them. */
export const RULES: readonly Rule[] = [
  ...valid,
  ...duplicates,
  ...encodings,
  ...structure,
  ...claims,
  ...signatures,
];

export { expected, type Rule, type Verdict } from './rule.js';
