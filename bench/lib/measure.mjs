// Interleaved measurement, portable (Node and the browser page). A contender is
// { name, ops?, run(n, offset) }: `run` performs n operations, starting at input `offset`.
//
// Every round runs every contender over the same inputs. A round is cut into `blocks`; each block
// runs every contender for its share of the operations, in an order that rotates block by block.
// So a burst of load from the other users of this machine (milliseconds long) lands on all
// contenders alike instead of on whichever ran its whole round at that moment. Switching costs a
// WebCrypto contender a wake-up of the thread that runs its crypto (after a node:crypto contender
// at 10 verifies per block, the floor took twice as long), so blocks stay long (50 verifies) and
// each starts with `warm` untimed operations. A round's sample is its total time per operation,
// garbage collection included.

/**
 * Runs `rounds` rounds after one warm-up round (discarded).
 * @returns {Promise<{ name: string, samples: number[] }[]>} µs per operation, one sample per round
 */
export async function compare(
  contenders,
  { rounds, ops, blocks = 1, warm = 1, gc = globalThis.gc },
) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  const total = (c) => c.ops ?? ops;
  for (const c of contenders)
    if (total(c) % blocks)
      throw new Error(`${c.name}: ${total(c)} ops do not split into ${blocks} blocks`);
  let turn = 0;
  for (let round = -1; round < rounds; round++) {
    const elapsed = new Map(contenders.map((c) => [c.name, 0]));
    gc?.(); // Node with --expose-gc: every round starts from a collected heap, outside the clock
    for (let block = 0; block < blocks; block++) {
      const shift = turn++;
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + shift) % contenders.length];
        const n = total(c) / blocks;
        if (warm) await c.run(warm, block * n);
        const started = performance.now();
        await c.run(n, block * n);
        elapsed.set(c.name, elapsed.get(c.name) + performance.now() - started);
      }
    }
    if (round >= 0)
      for (const c of contenders) samples.get(c.name).push((elapsed.get(c.name) * 1000) / total(c));
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

/** run(n, offset) over n awaited calls of fn(i), i = offset, offset + 1, … modulo count. */
export const each =
  (fn, count) =>
  async (n, offset = 0) => {
    for (let i = 0; i < n; i++) await fn((offset + i) % count);
  };
