/**
 * Builds one FileOp from a chain of actions, as llb's `FileAction` chains do:
 * the first action works on the base tree, each later one on the result of
 * the one before, and only the last action's result is the vertex output.
 */
import type { FileAction, FileCopy, FileMkdir, FileMkfile, FileOp, VertexInput } from '@kiln/llb';

type ActionBody = FileCopy | FileMkdir | FileMkfile;

/** Collects actions over `base` (`undefined`: an empty tree); `secondary` is the source tree of a copy. */
export class FileOpBuilder {
  readonly #base: VertexInput | undefined;
  readonly #steps: { body: ActionBody; secondary: VertexInput | undefined }[] = [];

  constructor(base: VertexInput | undefined) {
    this.#base = base;
  }

  add(body: ActionBody, secondary?: VertexInput): this {
    this.#steps.push({ body, secondary });
    return this;
  }

  get empty(): boolean {
    return this.#steps.length === 0;
  }

  /** The op and its inputs (each distinct input once, base first). */
  build(): { op: FileOp; inputs: VertexInput[] } {
    const inputs: VertexInput[] = [];
    const indexOf = (input: VertexInput | undefined): number => {
      if (input === undefined) return -1;
      const i = inputs.findIndex((x) => x.digest === input.digest && x.output === input.output);
      if (i >= 0) return i;
      inputs.push(input);
      return inputs.length - 1;
    };
    const base = indexOf(this.#base);
    const secondaries = this.#steps.map((s) => indexOf(s.secondary));
    const last = this.#steps.length - 1;
    const actions: FileAction[] = this.#steps.map((s, i) => ({
      input: i === 0 ? base : inputs.length + i - 1,
      secondaryInput: secondaries[i]!,
      output: i === last ? 0 : -1,
      action: s.body,
    }));
    return { op: { type: 'file', actions }, inputs };
  }
}
