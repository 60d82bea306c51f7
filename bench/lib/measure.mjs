// Interleaved measurement: every round runs every contender once, in a rotating order, so drift
// on a shared machine hits all of them alike. Results are medians of per-operation times.

export async function compare(contenders, { rounds, ops }) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (const contender of contenders) await contender.run(Math.min(ops, 50)); // warm-up: JIT, key import
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    for (const contender of order) {
      const started = process.hrtime.bigint();
      await contender.run(ops);
      samples.get(contender.name).push(Number(process.hrtime.bigint() - started) / ops);
    }
  }
  return contenders.map((c) => ({ name: c.name, nsPerOp: median(samples.get(c.name)) }));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Prints a table with µs/op, ops/s, and the ratio against a reference row (speed: higher is faster). */
export function printTable(title, rows, referenceName) {
  const reference = rows.find((r) => r.name === referenceName);
  console.log(`\n${title}`);
  console.log(
    `  ${'contender'.padEnd(34)} ${'µs/op'.padStart(10)} ${'ops/s'.padStart(11)} ${`× ${referenceName}`.padStart(16)}`,
  );
  for (const row of rows) {
    const speed = reference.nsPerOp / row.nsPerOp;
    console.log(
      `  ${row.name.padEnd(34)} ${(row.nsPerOp / 1000).toFixed(2).padStart(10)} ${Math.round(
        1e9 / row.nsPerOp,
      )
        .toLocaleString('en')
        .padStart(11)} ${speed.toFixed(2).padStart(16)}`,
    );
  }
}
