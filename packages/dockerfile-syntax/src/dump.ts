/**
 * BuildKit's AST dump (`parser.Node.Dump`), the format of the parser
 * conformance corpus (`PARSER-RESULT-FORMAT.md`): one `(name [flags] args…)`
 * line per instruction, every value Go-quoted. Heredoc bodies are not printed.
 */
import type { Dockerfile, Instruction } from './ast.js';
import { goQuote, goQuoteList } from './go-quote.js';

/** One instruction without the outer parentheses, e.g. `run "echo hi"` or `onbuild (copy "." "/")`. */
export function dumpInstruction(instruction: Instruction): string {
  let out = instruction.name;
  if (instruction.flags.length > 0) out += ` ${goQuoteList(instruction.flags.map((f) => f.text))}`;
  if (instruction.child !== undefined) out += ` (${dumpInstruction(instruction.child)})`;
  for (const a of instruction.args) out += ` ${goQuote(a.value)}`;
  return out.trim();
}

/**
 * The whole dump, exactly as BuildKit's parser test compares it with a
 * `result` file: every line, the last one included, ends in `\n`.
 */
export function dumpDockerfile(dockerfile: Dockerfile): string {
  let out = '';
  for (const i of dockerfile.instructions) out += `(${dumpInstruction(i)})\n`;
  return out.trim() + '\n';
}
