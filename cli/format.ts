/** Human formatting for the CLI: relative times. */

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

// A token is issued "now" give or take the second resolution of NumericDate and a little clock
// drift between issuer and reader: "issued in 0s" read as nonsense to users.
const JUST_NOW_SECONDS = 5;

/** A NumericDate as ISO time plus how far from now ("expires in 4m", "issued just now"). */
export function describeTime(
  claim: string,
  value: unknown,
  nowSeconds: number,
): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const iso = new Date(value * 1000).toISOString();
  const delta = value - nowSeconds;
  const [future, past, now] = VERBS[claim] ?? VERBS.iat!;
  if (Math.abs(delta) <= JUST_NOW_SECONDS && now !== undefined) return `${iso}  (${now})`;
  if (delta < 0) return `${iso}  (${past} ${relative(delta)})`;
  return `${iso}  (${future} ${relative(delta)})`;
}

// [future, past, within a few seconds of now]. An iat or auth_time in the future means the
// issuer's clock is ahead of this machine's: say so rather than "issued in 2m".
const VERBS: Record<string, [string, string, string | undefined]> = {
  exp: ['expires', 'expired', undefined],
  nbf: ['valid', 'valid since', 'valid just now'],
  iat: ['issued in the future (clocks differ?):', 'issued', 'issued just now'],
  auth_time: ['signed in, in the future (clocks differ?):', 'signed in', 'signed in just now'],
};
