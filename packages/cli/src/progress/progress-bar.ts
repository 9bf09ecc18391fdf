/**
 * A progress bar `width` characters wide, `fraction` (0..1, clamped) of it
 * filled: `=====>    ` while it moves, all `=` when full, all spaces at 0.
 * Shared by the transfer rows of pull/push and the build display.
 */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * width);
  if (filled >= width) return '='.repeat(width);
  return `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
}
