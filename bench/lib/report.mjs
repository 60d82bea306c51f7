// Printing: the tables every scenario shares. Times in µs per operation; ratios are speeds
// (reference time / contender time, higher is faster) with their min–max over the rounds.
import { median, speedRatio } from './measure.mjs';

/** Three significant digits for small numbers, one decimal from 10, none from 1000. */
const digits = (x) => {
  const a = Math.abs(x);
  return a >= 1000 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
};

export const fmt = {
  us: (us) => us.toFixed(digits(us)),
  ms: (ms) => ms.toFixed(digits(ms)),
  ratio: (x) => x.toFixed(Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2),
  range: ({ min, max }, f = fmt.ratio) => `${f(min)}–${f(max)}`,
  int: (n) => Math.round(n).toLocaleString('en'),
};

export function title(text) {
  console.log(`\n${text}`);
}

/** One row per contender: median µs/op, ops/s, and speed relative to the reference row. */
export function printTable(rows, referenceName) {
  const reference = rows.find((r) => r.name === referenceName);
  const nameWidth = Math.max(30, ...rows.map((r) => r.name.length));
  console.log(
    `  ${'contender'.padEnd(nameWidth)} ${'µs/op'.padStart(9)} ${'ops/s'.padStart(11)} ${'× floor'.padStart(8)} ${'rounds min–max'.padStart(15)}`,
  );
  for (const row of rows) {
    const us = median(row.samples);
    const ratio = speedRatio(row, reference);
    console.log(
      `  ${row.name.padEnd(nameWidth)} ${fmt.us(us).padStart(9)} ${fmt.int(1e6 / us).padStart(11)} ${fmt.ratio(ratio.median).padStart(8)} ${fmt.range(ratio).padStart(15)}`,
    );
  }
}

/** "A ÷ B: 1.02 × (rounds 0.95–1.10), target ≥ 1.15: below" — speed of A relative to B. */
export function printRatio(label, rows, a, b, target) {
  const find = (name) => rows.find((r) => r.name === name);
  const ratio = speedRatio(find(a), find(b));
  const verdict =
    target === undefined
      ? ''
      : `, target ≥ ${target}: ${ratio.median >= target ? 'met' : 'NOT met'}${
          ratio.min < target && ratio.max >= target ? ' (the rounds straddle it)' : ''
        }`;
  console.log(`  ${label}: ${fmt.ratio(ratio.median)} × (rounds ${fmt.range(ratio)})${verdict}`);
  return ratio;
}
