/**
 * Reading the heredoc bodies of an instruction line (BuildKit's
 * `heredocsFromLine` and the body loop of `parser.Parse`), and when they may
 * be read before the line is parsed.
 */
import type { SourcePosition, SourceRange } from '@kiln/errors';
import type { Heredoc, Instruction } from './ast.js';
import { withHeredocs } from './ast-builder.js';
import { heredocMarkers } from './heredoc.js';
import type { LineScanner, ScannedLine } from './line-scanner.js';

/** The instructions that may carry heredocs (BuildKit's `heredocDirectives`). */
const HEREDOC_INSTRUCTIONS: ReadonlySet<string> = new Set(['run', 'copy', 'add']);

/** Whether BuildKit reads heredoc bodies after this instruction (ONBUILD asks its wrapped instruction). */
export function canContainHeredoc(instruction: Instruction): boolean {
  const target = instruction.name === 'onbuild' && instruction.child !== undefined ? instruction.child : instruction;
  return HEREDOC_INSTRUCTIONS.has(target.name) && !target.json;
}

/**
 * What reading a line's heredocs found: no markers; a marker that is not
 * valid; or the bodies, read from the scanner (up to an unterminated one).
 */
export type HeredocReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly message: string; readonly range: SourceRange }
  | {
      readonly kind: 'read';
      readonly heredocs: readonly Heredoc[];
      /** Where the last body or terminator ends; undefined when the first body is unterminated and empty. */
      readonly end: SourcePosition | undefined;
      /** The marker whose body the file ended in. */
      readonly unterminated: SourceRange | undefined;
    };

const NONE: HeredocReading = { kind: 'none' };

/** Finds the heredoc markers of `scanned` and reads their bodies from `scanner` (which moves past them). */
export function readHeredocBodies(scanner: LineScanner, scanned: ScannedLine): HeredocReading {
  const found = heredocMarkers(scanned.line.text);
  if ('error' in found) return { kind: 'error', message: found.error, range: scanned.line.range(found.start, found.end) };
  if (found.markers.length === 0) return NONE;
  const heredocs: Heredoc[] = [];
  let end: SourcePosition | undefined;
  for (const marker of found.markers) {
    const markerRange = scanned.line.range(marker.start, marker.end);
    const body = scanner.readHeredoc(marker.name, marker.chomp);
    if (body.terminatorRange === undefined) {
      return { kind: 'read', heredocs, end: body.bodyRange?.end ?? end, unterminated: markerRange };
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
  return { kind: 'read', heredocs, end, unterminated: undefined };
}

/** `instruction` with what `reading` found; its errors go to `error`. */
export function attachHeredocs(instruction: Instruction, reading: HeredocReading, error: (message: string, range: SourceRange) => void): Instruction {
  if (reading.kind === 'none') return instruction;
  if (reading.kind === 'error') {
    error(reading.message, reading.range);
    return instruction;
  }
  if (reading.unterminated !== undefined) error('unterminated heredoc', reading.unterminated);
  return withHeredocs(instruction, reading.heredocs, reading.end ?? instruction.range.end);
}

/** The characters that end a line's first word, as the lexer's keyword tokens see it. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/**
 * Before its parse, whether a line with `<<` can have heredoc bodies, from its
 * first word (the keyword token it will lex as): `no` unless RUN, COPY, ADD or
 * ONBUILD; `maybe` for RUN, COPY and ADD, whose exec form (JSON, which only the
 * parse tells) has none; `unknown` for ONBUILD, whose wrapped instruction decides.
 * A guess the parse must confirm (see `parse`), so a wrong one costs time, not results.
 */
export function heredocsBeforeParse(scanned: ScannedLine): 'no' | 'maybe' | 'unknown' {
  const text = scanned.line.text;
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  let end = start;
  while (end < text.length && !isBlank(text.charCodeAt(end))) end++;
  // As the instruction's name is made: the keyword lower-cased.
  const name = text.slice(start, end).toLowerCase();
  if (name === 'onbuild') return 'unknown';
  return HEREDOC_INSTRUCTIONS.has(name) ? 'maybe' : 'no';
}
