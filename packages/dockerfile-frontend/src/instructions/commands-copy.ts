/**
 * COPY and ADD: sources and destination, with heredoc sources turned into
 * inline files (BuildKit's `parseCopy`, `parseAdd`, `parseSourcesAndDest`).
 */
import type { SourceRange } from '@kiln/errors';
import type { Argument, Heredoc } from '@kiln/dockerfile-syntax';
import { errBadHeredoc, errNoDestinationArgument, type Located } from './instruction-error.js';
import { chompHeredocContent } from './command-line.js';
import { baseOf, flagsOf, located, type InstructionBase, type ParseRequest } from './request.js';

/** A file whose content is written inline, from a heredoc source (`COPY <<EOF /dest`). */
export interface SourceContent {
  /** The file name: the heredoc's terminator word. */
  readonly path: string;
  /** The body; leading tabs already removed for `<<-`. */
  readonly data: string;
  /** False when the marker word was quoted: the body is not expanded. */
  readonly expand: boolean;
  /** The marker in the instruction line. */
  readonly range: SourceRange;
}

/** The operands of COPY and ADD. */
export interface SourcesAndDest {
  readonly dest: Located;
  /** Sources that are paths, URLs or git references, unexpanded, in order. */
  readonly sourcePaths: readonly Located[];
  /** Sources that are heredocs, in order. */
  readonly sourceContents: readonly SourceContent[];
}

/** `COPY [flags] src... dest`. */
export interface CopyInstruction extends InstructionBase {
  readonly kind: 'copy';
  readonly sources: SourcesAndDest;
  /** `--from`: a stage name or index, an image, or a named context; empty when not given. */
  readonly from: string;
  readonly chown: string;
  readonly chmod: string;
  readonly link: boolean;
  readonly parents: boolean;
  /** `--exclude` patterns, never expanded. */
  readonly excludes: readonly string[];
}

/** `ADD [flags] src... dest`. */
export interface AddInstruction extends InstructionBase {
  readonly kind: 'add';
  readonly sources: SourcesAndDest;
  readonly chown: string;
  readonly chmod: string;
  readonly link: boolean;
  readonly keepGitDir: boolean;
  readonly checksum: string;
  /** `--unpack`: `undefined` when not given (local archives unpack, URLs do not). */
  readonly unpack: boolean | undefined;
  readonly excludes: readonly string[];
}

/** Parses COPY. */
export function parseCopy(req: ParseRequest): CopyInstruction {
  if (req.args.length < 2) throw errNoDestinationArgument(req.command);
  const flags = flagsOf(req, [
    { name: 'exclude', kind: 'strings' },
    { name: 'parents', kind: 'bool' },
    { name: 'chown', kind: 'string' },
    { name: 'from', kind: 'string' },
    { name: 'chmod', kind: 'string' },
    { name: 'link', kind: 'bool' },
  ]);
  return {
    kind: 'copy',
    ...baseOf(req, flags),
    sources: parseSourcesAndDest(req),
    from: flags.string('from'),
    chown: flags.string('chown'),
    chmod: flags.string('chmod'),
    link: flags.bool('link'),
    parents: flags.bool('parents'),
    excludes: flags.strings('exclude'),
  };
}

/** Parses ADD. */
export function parseAdd(req: ParseRequest): AddInstruction {
  if (req.args.length < 2) throw errNoDestinationArgument(req.command);
  const flags = flagsOf(req, [
    { name: 'exclude', kind: 'strings' },
    { name: 'chown', kind: 'string' },
    { name: 'chmod', kind: 'string' },
    { name: 'link', kind: 'bool' },
    { name: 'keep-git-dir', kind: 'bool' },
    { name: 'checksum', kind: 'string' },
    { name: 'unpack', kind: 'bool' },
  ]);
  return {
    kind: 'add',
    ...baseOf(req, flags),
    sources: parseSourcesAndDest(req),
    chown: flags.string('chown'),
    chmod: flags.string('chmod'),
    link: flags.bool('link'),
    keepGitDir: flags.bool('keep-git-dir'),
    checksum: flags.string('checksum'),
    unpack: flags.isUsed('unpack') ? flags.bool('unpack') : undefined,
    excludes: flags.strings('exclude'),
  };
}

/**
 * Splits the operands: the last is the destination (a heredoc there is an
 * error), the others are paths or heredocs. A source is a heredoc when the
 * syntax layer attached a heredoc whose marker lies in it; JSON-form
 * arguments never carry heredocs.
 */
function parseSourcesAndDest(req: ParseRequest): SourcesAndDest {
  const sources = req.args.slice(0, -1);
  const dest = req.args[req.args.length - 1];
  if (dest === undefined) throw errNoDestinationArgument(req.command);
  if (heredocIn(dest, req.heredocs) !== undefined || looksLikeHeredoc(dest.value)) {
    throw errBadHeredoc(req.command, 'a destination', dest.range);
  }
  const sourcePaths: Located[] = [];
  const sourceContents: SourceContent[] = [];
  for (const source of sources) {
    const heredoc = req.json ? undefined : heredocIn(source, req.heredocs);
    if (heredoc === undefined) {
      sourcePaths.push(located(source));
      continue;
    }
    sourceContents.push({
      path: heredoc.name,
      data: heredoc.chomp ? chompHeredocContent(heredoc.content) : heredoc.content,
      expand: heredoc.expand,
      range: heredoc.markerRange,
    });
  }
  return { dest: located(dest), sourcePaths, sourceContents };
}

function heredocIn(arg: Argument, heredocs: readonly Heredoc[]): Heredoc | undefined {
  return heredocs.find((heredoc) => contains(arg.range, heredoc.markerRange));
}

function contains(outer: SourceRange, inner: SourceRange): boolean {
  const before = (a: SourceRange['start'], b: SourceRange['start']): boolean =>
    a.line < b.line || (a.line === b.line && a.column <= b.column);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** BuildKit's heredoc marker shape, `[n]<<[-]word`, checked on the text (catches JSON-form destinations too). */
function looksLikeHeredoc(text: string): boolean {
  const match = /^(\d*)<<(-?)([^<]*)$/.exec(text);
  return match !== null && (match[3] ?? '').trim() !== '';
}
