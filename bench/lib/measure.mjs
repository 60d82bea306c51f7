// Interleaved measurement, portable (Node and the browser page). Every round runs every contender
// once, in a rotating order, so drift on a shared machine hits all of them alike. A contender is
// { name, ops, run(ops) }: `run` performs `ops` operations; the result is time per operation.

/**
 * Runs `rounds` interleaved rounds after one warm-up round (discarded).
 * @returns {Promise<{ name: string, samples: number[] }[]>} µs per operation, one sample per round
 */
export async function compare(contenders, { rounds, ops, gc = globalThis.gc }) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (let round = -1; round < rounds; round++) {
    const shift = Math.max(round, 0);
    const order = contenders.map((_, i) => contenders[(i + shift) % contenders.length]);
    for (const contender of order) {
      const n = contender.ops ?? ops;
      gc?.(); // outside the timed part: each contender starts with a collected heap (Node only)
      const started = performance.now();
      await contender.run(n);
      const elapsed = performance.now() - started;
      if (round >= 0) samples.get(contender.name).push((elapsed * 1000) / n);
    }
  }
  return contenders.map((c) => ({ name: c.name, samples: samples.get(c.name) }));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and min–max of a list of numbers. */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * How many times faster `row` is than `reference`, round by round (same round, same conditions):
 * reference time / row time. Higher is faster.
 */
export function speedRatio(row, reference) {
  return spread(row.samples.map((us, i) => reference.samples[i] / us));
}
