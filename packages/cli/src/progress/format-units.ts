/**
 * Bytes in binary units with one decimal, as progress rows show them:
 * `512B`, `12.3KiB`, `40.0MiB`, `1.2GiB`.
 */
export function formatBinaryBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${units[unit]}`;
}

/**
 * Bytes the way docker's tables show sizes (go-units `HumanSize`): decimal
 * units, three significant digits: `4.26MB`, `512B`, `1.2kB`.
 */
export function formatDecimalBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))}${units[unit]}`;
}

/**
 * How long ago `then` was, as docker says it (go-units `HumanDuration` +
 * " ago"): `About a minute ago`, `3 days ago`. Both in milliseconds since the epoch.
 */
export function timeAgo(then: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  let text: string;
  if (seconds < 1) text = 'Less than a second';
  else if (seconds === 1) text = '1 second';
  else if (seconds < 60) text = `${seconds} seconds`;
  else if (minutes === 1) text = 'About a minute';
  else if (minutes < 60) text = `${minutes} minutes`;
  else if (hours === 1) text = 'About an hour';
  else if (hours < 48) text = `${hours} hours`;
  else if (hours < 24 * 7 * 2) text = `${Math.floor(hours / 24)} days`;
  else if (hours < 24 * 30 * 2) text = `${Math.floor(hours / 24 / 7)} weeks`;
  else if (hours < 24 * 365 * 2) text = `${Math.floor(hours / 24 / 30)} months`;
  else text = `${Math.floor(hours / 24 / 365)} years`;
  return `${text} ago`;
}
