/** Human formatting for the CLI: relative times and token-safe previews. */

export function relative(seconds: number): string {
  const abs = Math.abs(seconds);
  const amount =
    abs < 90
      ? `${Math.round(abs)}s`
      : abs < 5400
        ? `${Math.round(abs / 60)}m`
        : abs < 172800
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86400)}d`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** A NumericDate as ISO time plus how far from now ("expires in 4m"). */
export function describeTime(
  claim: string,
  value: unknown,
  nowSeconds: number,
): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const iso = new Date(value * 1000).toISOString();
  const delta = value - nowSeconds;
  const verbs: Record<string, [future: string, past: string]> = {
    exp: ['expires', 'expired'],
    nbf: ['valid', 'valid since'],
  };
  const [future, past] = verbs[claim] ?? ['issued', 'issued'];
  return `${iso}  (${delta >= 0 ? future : past} ${relative(delta)})`;
}
