/**
 * The CST visitor: turns chevrotain's concrete syntax tree of one line into
 * its shape (keyword, flag tokens, argument tokens, family), which
 * `ast-builder.ts` then turns into the typed AST with source ranges.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { instructionParser } from './instruction-parser.js';

/** How an instruction's arguments were lexed (see `tokens.ts`). */
export type ArgumentFamily = 'rest' | 'words' | 'quoted' | 'healthcheck' | 'unknown';

/** One instruction without ONBUILD prefixes. */
export interface CoreShape {
  readonly family: ArgumentFamily;
  readonly keyword: IToken;
  readonly flags: readonly IToken[];
  /** RawText, Word or QuotedWord tokens; for HEALTHCHECK the type word then the raw text. */
  readonly args: readonly IToken[];
}

/** An `ONBUILD [flags]` prefix. */
export interface PrefixShape {
  readonly keyword: IToken;
  readonly flags: readonly IToken[];
}

/** A whole line: ONBUILD prefixes (outermost first), then the instruction they wrap, if any. */
export interface LineShape {
  readonly prefixes: readonly PrefixShape[];
  readonly core: CoreShape | undefined;
}

type Children = Record<string, CstElement[] | undefined>;

const NO_TOKENS: IToken[] = [];
const NO_PREFIXES: PrefixShape[] = [];

function tokensOf(ctx: Children, name: string): IToken[] {
  const list = ctx[name] as IToken[] | undefined;
  if (list === undefined) return NO_TOKENS;
  // Tokens inserted by error recovery have no source text; the AST skips them.
  for (const t of list) if (t.isInsertedInRecovery === true) return list.filter((x) => x.isInsertedInRecovery !== true);
  return list;
}

interface ShapeVisitor {
  visit(node: CstNode): unknown;
}

let visitor: ShapeVisitor | undefined;

/** Which family each keyword token starts, and the token names of its arguments. */
const FAMILIES = [
  { keyword: 'RestKeyword', family: 'rest', args: 'RawText', extraArgs: undefined },
  { keyword: 'WordsKeyword', family: 'words', args: 'Word', extraArgs: undefined },
  { keyword: 'QuotedKeyword', family: 'quoted', args: 'QuotedWord', extraArgs: undefined },
  // HEALTHCHECK: the type word comes before the raw text.
  { keyword: 'Healthcheck', family: 'healthcheck', args: 'HealthType', extraArgs: 'RawText' },
  { keyword: 'UnknownKeyword', family: 'unknown', args: 'RawText', extraArgs: undefined },
] as const;

function core(ctx: Children): CoreShape | undefined {
  for (const f of FAMILIES) {
    const keywords = ctx[f.keyword];
    if (keywords === undefined) continue;
    const keyword = tokensOf(ctx, f.keyword)[0];
    if (keyword === undefined) return undefined;
    let args = tokensOf(ctx, f.args);
    if (f.extraArgs !== undefined) args = [...args, ...tokensOf(ctx, f.extraArgs)];
    return { family: f.family, keyword, flags: tokensOf(ctx, 'Flag'), args };
  }
  return undefined;
}

function makeVisitor(): ShapeVisitor {
  const Base = instructionParser().getBaseCstVisitorConstructor<undefined, unknown>();
  class InstructionShapeVisitor extends Base {
    constructor() {
      super();
      this.validateVisitor();
    }

    instructions(ctx: Children): LineShape[] {
      return ((ctx['instruction'] ?? []) as CstNode[]).map((n) => this.visit(n) as LineShape);
    }

    instruction(ctx: Children): LineShape {
      const nodes = ctx['onbuildPrefix'] as CstNode[] | undefined;
      if (nodes === undefined) return { prefixes: NO_PREFIXES, core: core(ctx) };
      // ONBUILD prefixes, then the instruction they wrap (if any) as a node of its own.
      const prefixes = nodes.map((n) => this.visit(n) as PrefixShape | undefined).filter((p) => p !== undefined);
      const inner = (ctx['instruction'] as CstNode[] | undefined)?.[0];
      if (inner === undefined) return { prefixes, core: undefined };
      const wrapped = this.visit(inner) as LineShape;
      return { prefixes: [...prefixes, ...wrapped.prefixes], core: wrapped.core };
    }

    onbuildPrefix(ctx: Children): PrefixShape | undefined {
      const keyword = tokensOf(ctx, 'Onbuild')[0];
      return keyword === undefined ? undefined : { keyword, flags: tokensOf(ctx, 'Flag') };
    }
  }
  return new InstructionShapeVisitor();
}

/** The shape of a parsed line (the visitor is built on first use and reused). */
export function lineShape(cst: CstNode): LineShape {
  visitor ??= makeVisitor();
  return visitor.visit(cst) as LineShape;
}

/** The shapes of the lines of an `instructions` CST, in order. */
export function lineShapes(cst: CstNode): LineShape[] {
  visitor ??= makeVisitor();
  return visitor.visit(cst) as LineShape[];
}
