/**
 * The facade: text in, AST and diagnostics out. The line scanner joins
 * continuations and reads directives and heredoc bodies; chevrotain lexes and
 * parses the joined lines, many per call; the builder makes the typed AST.
 */
import { DockerfileSyntaxError, type SourceRange } from '@kiln/errors';
import type { Comment, Diagnostic, Directive, Dockerfile, Instruction, ParseWarning } from './ast.js';
import { buildInstruction, execFormOf, type ExecForm } from './ast-builder.js';
import { attachHeredocs, canContainHeredoc, heredocsBeforeParse, readHeredocBodies, type HeredocReading } from './heredoc-bodies.js';
import { parseInstructionLine, parseInstructionLines } from './instruction-parser.js';
import { lineShape, lineShapes, type LineShape } from './instruction-shape.js';
import { parseJsonArrays } from './json-array.js';
import { LineScanner, type ScannedLine } from './line-scanner.js';
import { splitSourceLines } from './source-lines.js';

/** Options of {@link parse} and {@link parseDockerfile}. */
export interface ParseOptions {
  /** The file name to put in errors, as the user named it. */
  readonly file?: string;
}

/** What {@link parse} returns: the tree (possibly partial) and every problem found. */
export interface ParseResult {
  /** The instructions that parsed; an instruction with an error is left out. */
  readonly dockerfile: Dockerfile;
  /** Errors and warnings, in file order of discovery. Warnings also appear in `dockerfile.warnings`. */
  readonly diagnostics: Diagnostic[];
}

const EMPTY_CONTINUATION_DETAIL = 'Empty continuation lines will become errors in a future release';
const EMPTY_CONTINUATION_URL = 'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/';

/**
 * Parses a Dockerfile for tools that want everything at once (IDEs, linters):
 * never throws for bad input; reports every error with its range and keeps
 * going with the next instruction. Ranges are 1-based with inclusive ends,
 * columns in UTF-16 code units of `text` as given (a byte-order mark occupies
 * column 1 of line 1).
 */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  void options;
  // Heredoc bodies are read ahead when a line's keyword says they may follow; in the rare file where
  // the parse then disagrees (an exec form `RUN ["<<EOF"]`), it is read again, deciding after each parse.
  return parseText(text, true) ?? parseText(text, false)!;
}

/** A line of a batch, with its heredocs when they were read before its parse. */
interface BatchLine {
  readonly scanned: ScannedLine;
  /** How many held scanner errors came before this line. */
  readonly heldBefore: number;
  /** `no`: its keyword takes no heredocs; a reading: its heredocs, read ahead; undefined: no `<<`, or not read ahead. */
  readonly heredocs: 'no' | HeredocReading | undefined;
  /** The held scanner errors that came while reading its heredocs ahead: `held[heldBefore, heldAfter)`. */
  readonly heldAfter: number;
}

/**
 * The parse; with `readAhead`, returns undefined when a line's heredocs were
 * read ahead (or not) and its parse says otherwise.
 */
function parseText(text: string, readAhead: boolean): ParseResult | undefined {
  const diagnostics: Diagnostic[] = [];
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const warnings: ParseWarning[] = [];
  const instructions: Instruction[] = [];
  const error = (message: string, range: SourceRange): void => {
    diagnostics.push({ severity: 'error', message, range });
  };
  // The scanner reads a batch of lines ahead of the parser; its errors are held
  // back meanwhile and replayed before the line they came with (or, for heredoc
  // bodies, after it), so diagnostics stay in the order of a line-by-line reading.
  let held: Diagnostic[] = [];
  let holding = false;
  const scannerError = (message: string, range: SourceRange): void => {
    (holding ? held : diagnostics).push({ severity: 'error', message, range });
  };
  const lines = splitSourceLines(text);
  const scanner = new LineScanner(lines, { directive: (d) => directives.push(d), comment: (c) => comments.push(c), error: scannerError });

  for (let more = true; more; ) {
    // Fresh arrays: emptying one (`length = 0`) costs V8 more than making one.
    const batch: BatchLine[] = [];
    held = [];
    holding = true;
    more = false;
    for (let scanned = scanner.next(); scanned !== undefined; scanned = scanner.next()) {
      const heldBefore = held.length;
      let heredocs: BatchLine['heredocs'];
      if (scanned.line.text.includes('<<')) {
        // Whether heredoc bodies follow depends on the line's parse; unless they can be read ahead, the batch ends here.
        const before = readAhead ? heredocsBeforeParse(scanned) : 'unknown';
        if (before === 'unknown') {
          batch.push({ scanned, heldBefore, heredocs: undefined, heldAfter: heldBefore });
          more = true;
          break;
        }
        heredocs = before === 'no' ? 'no' : readHeredocBodies(scanner, scanned);
      }
      batch.push({ scanned, heldBefore, heredocs, heldAfter: held.length });
    }
    holding = false;
    const scannedLines = batch.map((b) => b.scanned);
    const shapes = batchShapes(scannedLines);
    const forms = shapes === undefined ? undefined : execForms(scannedLines, shapes);
    let replayed = 0;
    for (let i = 0; i < batch.length; i++) {
      const { scanned, heldBefore, heredocs, heldAfter } = batch[i]!;
      for (; replayed < heldBefore; replayed++) diagnostics.push(held[replayed]!);
      const instruction = shapes === undefined || forms === undefined ? parseScannedLine(scanned, error) : buildScannedLine(scanned, shapes[i], forms[i], error);
      if (scanned.emptyContinuation) {
        const last = lines[scanned.endLine - 1];
        const range: SourceRange = { start: { line: scanned.endLine, column: 1 }, end: { line: scanned.endLine, column: last === undefined ? 0 : last.column + last.text.length - 1 } };
        const warning: ParseWarning = {
          code: 'NoEmptyContinuation',
          message: `Empty continuation line found in: ${scanned.line.text}`,
          detail: EMPTY_CONTINUATION_DETAIL,
          url: EMPTY_CONTINUATION_URL,
          range,
        };
        warnings.push(warning);
        diagnostics.push({ severity: 'warning', message: warning.message, range, code: warning.code });
      }
      const takesHeredocs = instruction !== undefined && canContainHeredoc(instruction);
      if (heredocs === 'no' || (heredocs !== undefined && heredocs.kind === 'read')) {
        // Read ahead (or not) against what the parse says: start again, deciding after each parse.
        if (takesHeredocs !== (heredocs !== 'no')) return undefined;
      }
      if (instruction === undefined) continue;
      if (!takesHeredocs) {
        instructions.push(instruction);
      } else if (heredocs !== undefined && heredocs !== 'no') {
        for (; replayed < heldAfter; replayed++) diagnostics.push(held[replayed]!);
        instructions.push(attachHeredocs(instruction, heredocs, error));
      } else if (more && i === batch.length - 1) {
        // Only a batch's last line can have `<<` without having been read ahead: `more` says it does.
        instructions.push(attachHeredocs(instruction, readHeredocBodies(scanner, scanned), error));
      } else {
        instructions.push(instruction);
      }
    }
    for (; replayed < held.length; replayed++) diagnostics.push(held[replayed]!);
  }

  if (instructions.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const line = Math.max(lines.length, 1);
    error('file with no instructions', { start: { line, column: 1 }, end: { line, column: 0 } });
  }
  const dockerfile: Dockerfile = { escapeChar: scanner.escapeChar, directives, instructions, comments, warnings };
  return { dockerfile, diagnostics };
}

/**
 * The shapes of a batch's lines from one chevrotain call (undefined for a
 * blank line), or undefined when the batch must be parsed line by line: it
 * failed to lex or parse somewhere, or mixes escape characters.
 */
function batchShapes(batch: readonly ScannedLine[]): (LineShape | undefined)[] | undefined {
  const first = batch[0];
  if (first === undefined) return undefined;
  let joined = '';
  const starts: number[] = [];
  const lineOf: number[] = [];
  const shapes: (LineShape | undefined)[] = [];
  for (let i = 0; i < batch.length; i++) {
    const scanned = batch[i]!;
    if (scanned.escapeChar !== first.escapeChar) return undefined;
    const text = scanned.line.text;
    shapes.push(undefined);
    if (isBlankText(text)) continue;
    starts.push(joined.length);
    lineOf.push(i);
    joined += text;
    joined += '\n';
  }
  if (starts.length === 0) return shapes;
  const cst = parseInstructionLines(joined, starts, first.escapeChar);
  if (cst === undefined) return undefined;
  const parsed = lineShapes(cst);
  for (let k = 0; k < lineOf.length; k++) shapes[lineOf[k]!] = parsed[k];
  return shapes;
}

/** The exec forms of a batch's lines, read together (see {@link parseJsonArrays}). */
function execForms(batch: readonly ScannedLine[], shapes: readonly (LineShape | undefined)[]): (ExecForm | undefined)[] {
  const forms: (ExecForm | undefined)[] = [];
  const read: ExecForm[] = [];
  for (let i = 0; i < batch.length; i++) {
    const shape = shapes[i];
    const form = shape === undefined ? undefined : execFormOf(batch[i]!.line.text, shape);
    forms.push(form);
    if (form !== undefined) read.push(form);
  }
  if (read.length > 1) parseJsonArrays(read.map((f) => f.text)).forEach((result, k) => (read[k]!.result = result));
  return forms;
}

/** A joined line can be blank when it was only an escape character and comments; BuildKit would make a nameless node of it. */
function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 11 && c !== 12 && c !== 13) return false;
  }
  return true;
}

/** Parses one line on its own, reporting its lex and parse errors. */
function parseScannedLine(scanned: ScannedLine, error: (message: string, range: SourceRange) => void): Instruction | undefined {
  const { line } = scanned;
  if (isBlankText(line.text)) return undefined;
  const parsed = parseInstructionLine(line.text, scanned.escapeChar);
  for (const e of parsed.lexErrors) error(e.message, line.range(e.offset, e.offset + Math.max(e.length, 1)));
  for (const e of parsed.parseErrors) {
    const t = e.token;
    error(e.message, Number.isNaN(t.startOffset) ? line.range(0, line.text.length) : line.range(t.startOffset, t.startOffset + Math.max(t.image.length, 1)));
  }
  const shape = lineShape(parsed.cst);
  return buildScannedLine(scanned, shape, execFormOf(line.text, shape), error);
}

/** Builds the instruction of a line whose shape is known (undefined for a blank line). */
function buildScannedLine(
  scanned: ScannedLine,
  shape: LineShape | undefined,
  form: ExecForm | undefined,
  error: (message: string, range: SourceRange) => void,
): Instruction | undefined {
  if (shape === undefined) return undefined;
  const built = buildInstruction(scanned.line, shape, scanned.escapeChar, scanned.comments, form);
  if (built === undefined) return undefined;
  if ('problem' in built) {
    error(built.problem.message, built.problem.range);
    return undefined;
  }
  return built.instruction;
}

/**
 * Parses a Dockerfile for a build: returns the tree, with warnings in
 * `warnings`, or throws {@link DockerfileSyntaxError} (carrying `file` and the
 * range) for the first error in the file.
 */
export function parseDockerfile(text: string, options: ParseOptions = {}): Dockerfile {
  const result = parse(text, options);
  const first = result.diagnostics.find((d) => d.severity === 'error');
  if (first !== undefined) {
    throw new DockerfileSyntaxError(first.message, [first.range], options.file === undefined ? {} : { file: options.file });
  }
  return result.dockerfile;
}
