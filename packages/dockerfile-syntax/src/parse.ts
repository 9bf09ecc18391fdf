/**
 * The facade: text in, AST and diagnostics out. The line scanner joins
 * continuations and reads directives and heredoc bodies; chevrotain lexes and
 * parses each joined line; the builder makes the typed AST.
 */
import { DockerfileSyntaxError, type SourceRange } from '@kiln/errors';
import type { Comment, Diagnostic, Directive, Dockerfile, Heredoc, Instruction, ParseWarning } from './ast.js';
import { buildInstruction, withHeredocs } from './ast-builder.js';
import { heredocMarkers } from './heredoc.js';
import { parseInstructionLine } from './instruction-parser.js';
import { lineShape } from './instruction-shape.js';
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

/** The instructions that may carry heredocs (BuildKit's `heredocDirectives`). */
const HEREDOC_INSTRUCTIONS: ReadonlySet<string> = new Set(['run', 'copy', 'add']);

function canContainHeredoc(instruction: Instruction): boolean {
  const target = instruction.name === 'onbuild' && instruction.child !== undefined ? instruction.child : instruction;
  return HEREDOC_INSTRUCTIONS.has(target.name) && !target.json;
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
  const diagnostics: Diagnostic[] = [];
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const warnings: ParseWarning[] = [];
  const instructions: Instruction[] = [];
  const error = (message: string, range: SourceRange): void => {
    diagnostics.push({ severity: 'error', message, range });
  };
  const lines = splitSourceLines(text);
  const scanner = new LineScanner(lines, { directive: (d) => directives.push(d), comment: (c) => comments.push(c), error });

  for (let scanned = scanner.next(); scanned !== undefined; scanned = scanner.next()) {
    const instruction = parseScannedLine(scanned, error);
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
    if (instruction === undefined) continue;
    if (canContainHeredoc(instruction) && scanned.line.text.includes('<<')) {
      instructions.push(readHeredocs(scanner, scanned, instruction, error));
    } else {
      instructions.push(instruction);
    }
  }

  if (instructions.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const line = Math.max(lines.length, 1);
    error('file with no instructions', { start: { line, column: 1 }, end: { line, column: 0 } });
  }
  const dockerfile: Dockerfile = { escapeChar: scanner.escapeChar, directives, instructions, comments, warnings };
  return { dockerfile, diagnostics };
}

/** A joined line can be blank when it was only an escape character and comments; BuildKit would make a nameless node of it. */
function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 11 && c !== 12 && c !== 13) return false;
  }
  return true;
}

function parseScannedLine(scanned: ScannedLine, error: (message: string, range: SourceRange) => void): Instruction | undefined {
  const { line } = scanned;
  if (isBlankText(line.text)) return undefined;
  const parsed = parseInstructionLine(line.text, scanned.escapeChar);
  for (const e of parsed.lexErrors) error(e.message, line.range(e.offset, e.offset + Math.max(e.length, 1)));
  for (const e of parsed.parseErrors) {
    const t = e.token;
    error(e.message, Number.isNaN(t.startOffset) ? line.range(0, line.text.length) : line.range(t.startOffset, t.startOffset + Math.max(t.image.length, 1)));
  }
  const built = buildInstruction(line, lineShape(parsed.cst), scanned.escapeChar, scanned.comments);
  if (built === undefined) return undefined;
  if ('problem' in built) {
    error(built.problem.message, built.problem.range);
    return undefined;
  }
  return built.instruction;
}

function readHeredocs(scanner: LineScanner, scanned: ScannedLine, instruction: Instruction, error: (message: string, range: SourceRange) => void): Instruction {
  const found = heredocMarkers(scanned.line.text);
  if ('error' in found) {
    error(found.error, scanned.line.range(found.start, found.end));
    return instruction;
  }
  if (found.markers.length === 0) return instruction;
  const heredocs: Heredoc[] = [];
  let end = instruction.range.end;
  for (const marker of found.markers) {
    const markerRange = scanned.line.range(marker.start, marker.end);
    const body = scanner.readHeredoc(marker.name, marker.chomp);
    if (body.terminatorRange === undefined) {
      error('unterminated heredoc', markerRange);
      end = body.bodyRange?.end ?? end;
      break;
    }
    heredocs.push({
      name: marker.name,
      expand: marker.expand,
      chomp: marker.chomp,
      fileDescriptor: marker.fileDescriptor,
      content: body.content,
      markerRange,
      bodyRange: body.bodyRange,
      terminatorRange: body.terminatorRange,
    });
    end = body.terminatorRange.end;
  }
  return withHeredocs(instruction, heredocs, end);
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
