import { CanceledError } from '@kiln/errors';
import { diff, encodeTar, parseTar, type LayerBlobWriter, type LayerContentStore, type TarInput } from '@kiln/layer';
import type { ExportableRef } from './exportable-ref.js';

/** Options of {@link treeTar}. */
export interface TreeTarOptions {
  /** SOURCE_DATE_EPOCH in seconds: every entry's mtime becomes it (BuildKit's local and tar exporters). */
  readonly sourceDateEpoch?: number;
}

/**
 * The whole tree of `ref` as an uncompressed tar stream, in the layer tar
 * format of `@kiln/layer` (relative names, owners, modes, xattrs, symlinks,
 * hardlinks, devices and fifos as they are; sockets left out). `undefined`
 * is the empty tree. The tree is mounted read-only while the stream is read
 * and released when it ends, fails, or the consumer stops early.
 *
 * It streams: the layer differ writes into a one-chunk hand-off that this
 * generator drains, so memory does not grow with the tree and a slow
 * consumer paces the file reads.
 */
export async function* treeTar(ref: ExportableRef | undefined, options: TreeTarOptions = {}): AsyncGenerator<Buffer> {
  const tar = ref === undefined ? encodeTar([]) : mountedTreeTar(ref);
  yield* options.sourceDateEpoch === undefined ? tar : withMtime(tar, options.sourceDateEpoch);
}

async function* withMtime(tar: AsyncIterable<Buffer>, mtime: number): AsyncGenerator<Buffer> {
  async function* entries(): AsyncGenerator<TarInput> {
    for await (const { header, body } of parseTar(tar)) {
      const { typeflag: _flag, ...rest } = header;
      yield { header: { ...rest, mtime }, ...(header.type === 'file' ? { body } : {}) };
    }
  }
  yield* encodeTar(entries());
}

async function* mountedTreeTar(ref: ExportableRef): AsyncGenerator<Buffer> {
  const handoff = new Handoff();
  const { mounts, release } = await ref.mount();
  // An empty lower: the differ emits every entry of the tree, which is the tree's tar.
  const producing = diff([], mounts, handoff.store(), { compression: 'uncompressed' }).then(
    () => handoff.end(),
    (error: unknown) => handoff.fail(error),
  );
  try {
    for (;;) {
      const next = await handoff.take();
      if (next === undefined) break;
      yield next;
    }
  } finally {
    handoff.cancel();
    await producing;
    await release();
  }
}

/**
 * A one-chunk channel from a push-style writer (the differ's content store
 * port) to a pull-style reader. `write` resolves only when the reader asks for
 * the following chunk, so the writer never reuses or outruns a chunk in use.
 */
class Handoff {
  #pending: { chunk: Buffer; resolve: () => void; reject: (error: unknown) => void } | undefined;
  #waiting: ((value: IteratorResult<Buffer, undefined>) => void) | undefined;
  #waitingReject: ((error: unknown) => void) | undefined;
  /** The pending chunk was handed to the reader, which has not asked for the next one yet. */
  #taken = false;
  #ended = false;
  #error: unknown;
  #failed = false;
  #canceled = false;

  store(): LayerContentStore {
    const writer: LayerBlobWriter = {
      write: (chunk) => this.#write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
      commit: async () => undefined,
      abort: async () => undefined,
    };
    return {
      writer: () => writer,
      readStream: () => {
        throw new CanceledError('a tree tar hand-off holds no blobs to read');
      },
    };
  }

  #write(chunk: Buffer): Promise<void> {
    if (this.#canceled) return Promise.reject(new CanceledError('the reader of the tree tar stopped'));
    return new Promise((resolve, reject) => {
      this.#pending = { chunk, resolve, reject };
      this.#wake();
    });
  }

  /** The next chunk, or `undefined` at the end; acknowledges the chunk taken before. */
  async take(): Promise<Buffer | undefined> {
    const previous = this.#pending;
    if (previous !== undefined && this.#taken) {
      this.#pending = undefined;
      this.#taken = false;
      previous.resolve();
    }
    const result = await new Promise<IteratorResult<Buffer, undefined>>((resolve, reject) => {
      this.#waiting = resolve;
      this.#waitingReject = reject;
      this.#wake();
    });
    return result.done === true ? undefined : result.value;
  }

  #wake(): void {
    const waiting = this.#waiting;
    const reject = this.#waitingReject;
    if (waiting === undefined || reject === undefined) return;
    if (this.#pending !== undefined && !this.#taken) {
      this.#taken = true;
      this.#waiting = this.#waitingReject = undefined;
      waiting({ done: false, value: this.#pending.chunk });
    } else if (this.#failed) {
      this.#waiting = this.#waitingReject = undefined;
      reject(this.#error);
    } else if (this.#ended) {
      this.#waiting = this.#waitingReject = undefined;
      waiting({ done: true, value: undefined });
    }
  }

  end(): void {
    this.#ended = true;
    this.#wake();
  }

  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.#wake();
  }

  /** The reader is gone: a chunk in flight and every later write fail, so the writer stops. */
  cancel(): void {
    this.#canceled = true;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) {
      // The reader finished with the last chunk normally when the stream ended; otherwise the writer must stop.
      if (this.#ended) pending.resolve();
      else pending.reject(new CanceledError('the reader of the tree tar stopped'));
    }
  }
}
