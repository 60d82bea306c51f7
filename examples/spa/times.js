// NumericDate claims for people: local time and "expires in 4 m", never a bare number.

const TIME_CLAIMS = {
  exp: ['expires', 'expired'],
  nbf: ['valid', 'valid since'],
  iat: ['issued', 'issued'],
  auth_time: ['signed in', 'signed in'],
};

/** "in 4 m" / "12 s ago". */
export function relative(seconds) {
  const abs = Math.abs(Math.round(seconds));
  const amount =
    abs < 90
      ? `${abs} s`
      : abs < 5400
        ? `${Math.round(abs / 60)} m`
        : `${Math.round(abs / 3600)} h`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

export const clockTime = (ms) => new Date(ms).toLocaleTimeString();

/** What a time claim means now: "12:04:31, expires in 4 m". */
export function describeTime(claim, value, nowSeconds = Date.now() / 1000) {
  const [future, past] = TIME_CLAIMS[claim];
  const delta = value - nowSeconds;
  // NumericDate counts whole seconds: a token made a moment ago is "just now", not "in 0 s".
  const when =
    claim !== 'exp' && Math.abs(delta) < 3
      ? `${past} just now`
      : `${delta >= 0 ? future : past} ${relative(delta)}`;
  return `${clockTime(value * 1000)}, ${when}`;
}

/** The claims as JSON, each time claim annotated with its local time and distance from now. */
export function claimsText(payload) {
  return JSON.stringify(payload, null, 2)
    .split('\n')
    .map((line) => {
      const match = /^ {2}"(exp|nbf|iat|auth_time)": (\d+),?$/.exec(line);
      return match ? `${line}  // ${describeTime(match[1], Number(match[2]))}` : line;
    })
    .join('\n');
}
