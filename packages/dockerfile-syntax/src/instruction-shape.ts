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

function tokensOf(ctx: Children, name: string): IToken[] {
  const list = ctx[name] as IToken[] | undefined;
  if (list === undefined) return NO_TOKENS;
  // Tokens inserted by error recovery have no source text; the AST skips them.
  for (const t of list) if (t.isInsertedInRecovery === true) return list.filter((x) => x.isInsertedInRecovery !== true);
  return list;
}

function nodeOf(ctx: Children, name: string): CstNode | undefined {
  return (ctx[name] as CstNode[] | undefined)?.[0];
}

interface ShapeVisitor {
  visit(node: CstNode): unknown;
}

let visitor: ShapeVisitor | undefined;

const FAMILY_RULES = ['restInstruction', 'wordsInstruction', 'quotedInstruction', 'healthcheckInstruction', 'unknownInstruction'] as const;

function core(family: ArgumentFamily, keywordName: string, argName: string, ctx: Children, extraArgName?: string): CoreShape | undefined {
  const keyword = tokensOf(ctx, keywordName)[0];
  if (keyword === undefined) return undefined;
  let args = tokensOf(ctx, argName);
  // HEALTHCHECK: the type word comes before the raw text.
  if (extraArgName !== undefined) args = [...args, ...tokensOf(ctx, extraArgName)];
  return { family, keyword, flags: tokensOf(ctx, 'Flag'), args };
}

function makeVisitor(): ShapeVisitor {
  const Base = instructionParser().getBaseCstVisitorConstructor<undefined, unknown>();
  class InstructionShapeVisitor extends Base {
    constructor() {
      super();
      this.validateVisitor();
    }

    instruction(ctx: Children): LineShape {
      const prefixes = ((ctx['onbuildPrefix'] ?? []) as CstNode[]).map((n) => this.visit(n) as PrefixShape | undefined).filter((p) => p !== undefined);
      let core: CoreShape | undefined;
      for (const name of FAMILY_RULES) {
        const node = nodeOf(ctx, name);
        if (node !== undefined) {
          core = this.visit(node) as CoreShape | undefined;
          break;
        }
      }
      return { prefixes, core };
    }

    onbuildPrefix(ctx: Children): PrefixShape | undefined {
      const keyword = tokensOf(ctx, 'Onbuild')[0];
      return keyword === undefined ? undefined : { keyword, flags: tokensOf(ctx, 'Flag') };
    }

    restInstruction(ctx: Children): CoreShape | undefined {
      return core('rest', 'RestKeyword', 'RawText', ctx);
    }

    wordsInstruction(ctx: Children): CoreShape | undefined {
      return core('words', 'WordsKeyword', 'Word', ctx);
    }

    quotedInstruction(ctx: Children): CoreShape | undefined {
      return core('quoted', 'QuotedKeyword', 'QuotedWord', ctx);
    }

    healthcheckInstruction(ctx: Children): CoreShape | undefined {
      return core('healthcheck', 'Healthcheck', 'HealthType', ctx, 'RawText');
    }

    unknownInstruction(ctx: Children): CoreShape | undefined {
      return core('unknown', 'UnknownKeyword', 'RawText', ctx);
    }
  }
  return new InstructionShapeVisitor();
}

/** The shape of a parsed line (the visitor is built on first use and reused). */
export function lineShape(cst: CstNode): LineShape {
  visitor ??= makeVisitor();
  return visitor.visit(cst) as LineShape;
}
