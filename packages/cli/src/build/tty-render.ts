import type { BuildState, StepView, TransferView } from './build-state.js';
import { progressBar } from '../progress/progress-bar.js';
import { formatBytes } from './plain-progress.js';

/** What a frame is drawn for. */
export interface FrameOptions {
  /** Milliseconds since the epoch, for the timers of running steps. */
  readonly now: number;
  /** Terminal columns; every line is cut to `columns - 1` so none wraps. */
  readonly columns: number;
  /** Terminal rows; a live frame fits in `rows - 1` lines. Undefined: no limit. */
  readonly rows: number | undefined;
  /** The last frame: every step, no height limit, the warnings and where clipped logs went. */
  readonly final: boolean;
  /** The file holding a step's full output, when the display did not show all of it. */
  readonly logFile: (digest: string) => string | undefined;
}

/**
 * One line of a frame: its text (no escapes) and the SGR colour it is drawn
 * in, if any. `wrap` lines (file paths in the final notes) are never cut: the
 * final frame is not redrawn, so they may wrap.
 */
export interface FrameLine {
  readonly text: string;
  readonly color?: '31' | '33' | '34' | '36';
  readonly wrap?: boolean;
}

const barWidth = 20;

/**
 * One frame of the TTY display, as BuildKit draws it: a header with the time
 * and the steps finished, then one line per step (`=> [build 2/4] RUN make
 * 1.2s`, `=> CACHED …`, `=> ERROR …`); a running step also shows its
 * transfers with bars and its last output lines (`=> => # …`), and says how
 * many earlier lines it does not show and which file has them all. Pure: the
 * same state and options give the same lines.
 */
export function renderFrame(state: BuildState, o: FrameOptions): FrameLine[] {
  const width = Math.max(20, o.columns - 1);
  const steps = [...state.steps.values()];
  const elapsed = seconds((o.final ? lastEnd(steps) ?? o.now : o.now) - state.started);
  const header: FrameLine = { text: `[+] Building ${elapsed} (${state.finished}/${steps.length})${o.final ? ' FINISHED' : ''}` };
  const blocks = steps.map((s) => stepBlock(s, o, width));
  if (!o.final && o.rows !== undefined) fitHeight(steps, blocks, Math.max(2, o.rows - 1) - 1);
  const lines = [header, ...blocks.flat()];
  if (o.final) lines.push(...closingNotes(state, steps, o));
  return lines.map((l) => (l.wrap === true ? l : { ...l, text: cut(l.text, width) }));
}

/** The lines of one step: its own, then (running) transfers and output. */
function stepBlock(step: StepView, o: FrameOptions, width: number): FrameLine[] {
  const end = step.ended ?? o.now;
  const mark = step.status === 'cached' ? 'CACHED ' : step.status === 'error' ? 'ERROR ' : step.status === 'canceled' ? 'CANCELED ' : '';
  const color = step.status === 'error' ? '31' : step.status === 'canceled' ? '33' : step.status === 'running' ? undefined : '34';
  const lines: FrameLine[] = [withTime(` => ${mark}${step.name}`, seconds(end - step.started), width, color)];
  const live = step.status === 'running';
  for (const t of step.transfers.values()) {
    if (live || t.total === undefined || t.current < t.total) lines.push(transferLine(t, live ? o.now : end, width, color));
  }
  for (const w of step.warnings) lines.push({ text: ` => => WARNING: ${w}`, color: '33' });
  if (live || step.status === 'error') {
    // A failed step keeps a few lines: the error block below shows more.
    const shown = live ? step.lines : step.lines.slice(-3);
    const hidden = step.totalLines - shown.length;
    if (hidden > 0) {
      const file = o.logFile(step.digest);
      lines.push({ text: ` => => # … ${hidden} earlier line${hidden === 1 ? '' : 's'} not shown${file === undefined ? '' : `; full log: ${file}`}`, color: '33' });
    }
    for (const line of shown) lines.push({ text: ` => => # ${line}`, ...(color === undefined ? {} : { color }) });
    const partial = step.partial.stdout + step.partial.stderr;
    if (live && partial !== '') lines.push({ text: ` => => # ${partial.replace(/[\x00-\x1f\x7f]/g, '')}` });
  }
  return lines;
}

/** ` => => sha256:3f57… [=====>    ] 1.20MB / 3.40MB   0.3s`. */
function transferLine(t: TransferView, now: number, width: number, color: FrameLine['color']): FrameLine {
  const bytes = t.total === undefined ? formatBytes(t.current) : `${formatBytes(t.current)} / ${formatBytes(t.total)}`;
  const name = t.name.startsWith('sha256:') ? t.name.slice(0, 19) : t.name;
  const bar = t.total === undefined ? '' : ` [${progressBar(t.current / Math.max(1, t.total), barWidth)}]`;
  return withTime(` => => ${name}${bar} ${bytes}`, seconds(now - t.started), width, color);
}

/** `text` with the time right-aligned at `width`, `text` shortened (`…`) when both do not fit. */
function withTime(text: string, time: string, width: number, color: FrameLine['color']): FrameLine {
  const room = width - time.length - 1;
  const left = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text.padEnd(room);
  return { text: `${left} ${time}`, ...(color === undefined ? {} : { color }) };
}

/**
 * Makes a live frame fit `budget` lines: finished steps go first (oldest
 * first, counted in one line), then running steps keep fewer output lines.
 * The final frame is never fitted: it scrolls, and shows everything.
 */
function fitHeight(steps: StepView[], blocks: FrameLine[][], budget: number): void {
  const total = (): number => blocks.reduce((n, b) => n + b.length, 0);
  let hidden = 0;
  let firstShown = -1;
  for (let i = 0; i < steps.length && total() > budget; i++) {
    if (steps[i]!.status === 'running') continue;
    blocks[i] = [];
    hidden++;
    if (firstShown < 0) firstShown = i;
  }
  if (hidden > 0) blocks[firstShown] = [{ text: ` => … ${hidden} finished step${hidden === 1 ? '' : 's'} not shown`, color: '34' }];
  for (let keep = 3; keep >= 0 && total() > budget; keep--) {
    for (const block of blocks) {
      const logs = block.filter((l) => l.text.startsWith(' => => # '));
      if (logs.length > keep) block.splice(block.indexOf(logs[0]!), logs.length - keep);
    }
  }
  for (let i = blocks.length - 1; i >= 0 && total() > budget; i--) blocks[i] = blocks[i]!.slice(0, Math.max(0, blocks[i]!.length - (total() - budget)));
}

/** After the final frame: the build's warnings, and the files holding output the display clipped. */
function closingNotes(state: BuildState, steps: StepView[], o: FrameOptions): FrameLine[] {
  const lines: FrameLine[] = [];
  if (state.warnings.length > 0) {
    lines.push({ text: `${state.warnings.length} warning${state.warnings.length === 1 ? '' : 's'} found:`, color: '33' });
    for (const w of state.warnings) lines.push({ text: ` - ${w}`, color: '33', wrap: true });
  }
  for (const s of steps) {
    const file = o.logFile(s.digest);
    if (file !== undefined) lines.push({ text: `full output of #${s.number} ${s.name} (${s.totalLines} lines): ${file}`, wrap: true });
  }
  return lines;
}

function lastEnd(steps: StepView[]): number | undefined {
  let end: number | undefined;
  for (const s of steps) if (s.ended !== undefined && (end === undefined || s.ended > end)) end = s.ended;
  return end;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
