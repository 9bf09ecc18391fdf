/**
 * Go's text formats that BuildKit's history lines and image configs carry:
 * `%v` of a string slice, `time.Duration.String`, and RFC 3339 times as
 * `time.Time` marshals them.
 */

/** Go's `fmt.Sprintf("%v", []string{...})`: `[a b c]`, `[]` when empty. */
export function goList(list: readonly string[] | undefined): string {
  return `[${(list ?? []).join(' ')}]`;
}

/** Digits of `value / 10^decimals` with trailing zeros (and a bare point) removed: 1500, 3 → `1.5`. */
function fixed(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  const whole = Math.floor(value / scale);
  const fraction = (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/**
 * Go's `time.Duration.String` for a duration in **nanoseconds**: `0s`,
 * `100ms`, `1.5µs`, `1m30s`, `1h0m0s`. Negative durations get a leading `-`.
 */
export function goDuration(nanoseconds: number): string {
  if (!Number.isFinite(nanoseconds)) throw new TypeError(`goDuration: ${nanoseconds} is not a finite number`);
  const sign = nanoseconds < 0 ? '-' : '';
  const u = Math.abs(Math.trunc(nanoseconds));
  if (u === 0) return '0s';
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${fixed(u, 3)}µs`;
  if (u < 1e9) return `${sign}${fixed(u, 6)}ms`;
  const hours = Math.floor(u / 3.6e12);
  const minutes = Math.floor((u % 3.6e12) / 6e10);
  const seconds = fixed(u % 6e10, 9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/**
 * An instant as Go marshals a UTC `time.Time` (RFC 3339 with only the
 * fractional digits that are not zero): `2024-01-17T21:49:12Z`,
 * `2024-01-17T21:49:12.5Z`. `milliseconds` counts from the Unix epoch.
 */
export function rfc3339(milliseconds: number): string {
  const iso = new Date(milliseconds).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_, ms: string) => {
    const trimmed = ms.replace(/0+$/, '');
    return trimmed === '' ? 'Z' : `.${trimmed}Z`;
  });
}
