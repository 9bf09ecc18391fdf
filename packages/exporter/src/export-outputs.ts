import type { LocalContentStore } from '@kiln/content';
import { InvalidArgumentError, UnsupportedError } from '@kiln/errors';
import type { Descriptor } from '@kiln/oci';
import type { ProgressListener } from '@kiln/registry';
import type { ByteSinkDeps } from './byte-sink.js';
import { exportImage, type ExportedImage, type ImageExportDeps, type ImageExportInput } from './export-image.js';
import type { ImageExportOptions } from './image-export-options.js';
import { isImageOutput, type OutputSpec } from './output-spec.js';
import { writeDockerOutput, writeOciOutput } from './write-archive.js';
import { writeLocalOutput, writeTarOutput } from './write-tree.js';

/** Pushes an image from the content store to a registry: `@kiln/registry`'s RegistryClient fits as it is. */
export interface ImagePusher {
  /** Pushes `root` (a manifest) and every blob it references to `ref`, reporting bytes moved to `onProgress`. */
  push(ref: string, store: LocalContentStore, root: Descriptor, options?: { readonly onProgress?: ProgressListener; readonly signal?: AbortSignal }): Promise<void>;
}

/** Deps of {@link exportOutputs}. */
export interface ExportOutputsDeps extends ImageExportDeps, ByteSinkDeps {
  /** For `push=true` (`type=registry`); without it such outputs are refused. */
  readonly registry?: ImagePusher;
  /** Receives the push's per-blob progress (bytes); it must not throw. */
  readonly onPushProgress?: ProgressListener;
  /** Cancels a push in flight. */
  readonly signal?: AbortSignal;
}

/** One name an image was pushed to. */
export interface PushedName {
  /** The name as given (`-t` or `name=`). */
  readonly name: string;
  /** The manifest digest the registry now serves under that name. */
  readonly digest: Descriptor['digest'];
  readonly size: number;
}

/** Options of {@link exportOutputs}. */
export interface ExportOutputsOptions {
  /** `-t` names: the image is stored under each in kiln's store and named in every image archive. */
  readonly tags?: readonly string[];
  /** SOURCE_DATE_EPOCH in seconds. */
  readonly sourceDateEpoch?: number;
}

/** What {@link exportOutputs} produced. */
export interface ExportOutputsResult {
  /**
   * The image stored under the tags (and `type=image` names), else the first
   * image an output made; `undefined` when the outputs were trees only and
   * there were no tags. Its id is what `--iidfile` gets.
   */
  readonly image: ExportedImage | undefined;
  /** Every image made, one per distinct set of image options. */
  readonly images: readonly ExportedImage[];
  /** What `push=true` outputs pushed, in order. */
  readonly pushed: readonly PushedName[];
  /** Drops the leases of every image made (named ones stay in the store). Idempotent. */
  release(): Promise<void>;
}

/**
 * Writes a build's result to every output, as `kiln build -o … -t …` asks:
 * - the image (when there are tags, image outputs, or no outputs at all) is
 *   made once per distinct set of image options and stored under the tags
 *   and the `name=`s of `type=image` outputs; the stored image's layers are
 *   uncompressed unless the image also leaves the store (an output pushes,
 *   or writes a `type=oci` / `type=docker` archive: those default to gzip,
 *   as in buildx, and the stored image is that one) or the first
 *   `type=image` output sets a compression (see {@link storedImageOptions});
 * - `type=image,push=true` pushes it to every `name=` and tag (through
 *   `deps.registry`); `type=oci` / `type=docker` write it, named by their
 *   `name=`s and the tags; `type=local` / `type=tar` write the tree.
 *
 * Outputs are written one after the other, in order. On failure the images
 * made so far are released (named ones stay named) and the error is thrown.
 *
 * @throws UnsupportedError for `push=true` without `deps.registry`, and
 *   `store=false` with tags; InvalidArgumentError for a push with no name
 *   (all checked before anything is made); otherwise as the writers and the
 *   registry.
 */
export async function exportOutputs(input: ImageExportInput, outputs: readonly OutputSpec[], deps: ExportOutputsDeps, options: ExportOutputsOptions = {}): Promise<ExportOutputsResult> {
  const tags = options.tags ?? [];
  const epoch = options.sourceDateEpoch;
  const now = deps.now ?? Date.now;
  checkOutputs(outputs, { tags, canPush: deps.registry !== undefined });
  const made = new Map<string, ExportedImage>();
  const release = async (): Promise<void> => {
    for (const image of made.values()) await image.release();
  };
  const storeOutput = outputs.find((o) => o.type === 'image');
  // An image that leaves the store (pushed, or written as an OCI or docker archive) is the one stored too.
  const leavesStore = outputs.some((o) => (o.type === 'image' && o.push) || o.type === 'oci' || o.type === 'docker');
  const storeOptions = storedImageOptions(storeOutput?.type === 'image' ? storeOutput.image : {}, { leavesStore });
  const storeNames = [...tags, ...outputs.flatMap((o) => (o.type === 'image' && o.store ? o.names : []))];
  const imageFor = async (imageOptions: ImageExportOptions, names: readonly string[]): Promise<ExportedImage> => {
    const key = optionsKey(imageOptions);
    const known = made.get(key);
    if (known !== undefined) return known;
    const image = await exportImage(input, deps, { ...imageOptions, names, ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}) });
    made.set(key, image);
    return image;
  };
  const pushed: PushedName[] = [];
  try {
    let stored: ExportedImage | undefined;
    if (storeNames.length > 0 || outputs.length === 0 || storeOutput !== undefined) stored = await imageFor(storeOptions, storeNames);
    for (const output of outputs) {
      if (output.type === 'image') {
        if (!output.push) continue;
        const image = await imageFor(output.image, []);
        for (const name of new Set([...output.names, ...tags])) {
          await deps.registry!.push(name, deps.contentRoot.content, image.manifest, {
            ...(deps.onPushProgress === undefined ? {} : { onProgress: deps.onPushProgress }),
            ...(deps.signal === undefined ? {} : { signal: deps.signal }),
          });
          pushed.push({ name, digest: image.digest, size: image.manifest.size });
        }
        continue;
      }
      if (isImageOutput(output)) {
        const image = await imageFor(output.image, []);
        const archive = { names: [...new Set([...output.names, ...tags])], createdAt: epoch !== undefined ? epoch * 1000 : now() };
        const archiveDeps = { content: deps.contentRoot.content, ...(deps.stdout !== undefined ? { stdout: deps.stdout } : {}) };
        if (output.type === 'oci') await writeOciOutput(image, output.dest, output.tar, archiveDeps, archive);
        else if (output.type === 'docker') await writeDockerOutput(image, output.dest, archiveDeps, archive);
        continue;
      }
      const tree = epoch !== undefined ? { sourceDateEpoch: epoch } : {};
      if (output.type === 'local') await writeLocalOutput(input.root, output.dest, { ...tree, ...(output.mode === undefined ? {} : { mode: output.mode }) });
      else await writeTarOutput(input.root, output.dest, deps, tree);
    }
    const images = [...made.values()];
    return { image: stored ?? images[0], images, pushed, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * The checks {@link exportOutputs} makes before it writes anything, for
 * callers that want them before a long build: pushes need a registry client
 * (`canPush`) and a name, `store=false` excludes tags.
 *
 * @throws UnsupportedError, InvalidArgumentError as {@link exportOutputs}.
 */
export function checkOutputs(outputs: readonly OutputSpec[], options: { readonly tags?: readonly string[]; readonly canPush: boolean }): void {
  const tags = options.tags ?? [];
  for (const output of outputs) {
    if (output.type === 'image' && output.push) {
      if (!options.canPush) throw new UnsupportedError('type=image,push=true (or type=registry): this build has no registry client to push with');
      if (output.names.length === 0 && tags.length === 0) throw new InvalidArgumentError('type=image,push=true (or type=registry) needs a name to push to: name=… or -t');
    }
    if (output.type === 'image' && !output.store && tags.length > 0) throw new UnsupportedError('type=image,store=false cannot be combined with -t: the tags name the image in kiln\'s store');
  }
}

/**
 * The options of the image a build keeps in kiln's store, from the options
 * the build asked for (`-o type=image,…`, or none). With no compression
 * setting (`compression`, `compression-level`, `force-compression=true`)
 * the layers the build made are kept uncompressed, as docker's image store
 * keeps them: no compression cost at build time, and the image ID is the
 * same either way (diff_ids are digests of the uncompressed tars); `kiln
 * push` compresses them on the way out (see `distributableImage`). When
 * the image `leavesStore` (some output has `push=true`, or writes an OCI or
 * docker archive) the default stays gzip, so the image stored is the one
 * that left and nothing is compressed twice. Explicit settings are kept as
 * given. Base image layers keep their blobs in every case.
 */
export function storedImageOptions(options: ImageExportOptions, context: { readonly leavesStore: boolean }): ImageExportOptions {
  const explicit = options.compression !== undefined || options.compressionLevel !== undefined || options.forceCompression === true;
  if (explicit || context.leavesStore) return options;
  return { ...options, compression: 'uncompressed' };
}

/** Image options that give the same image give the same key (undefined fields and key order do not matter). */
function optionsKey(options: ImageExportOptions): string {
  // Order matters among annotations only for equal keys (the later wins), so it is kept as given.
  const annotations = (options.annotations ?? []).map((a) => [a.kind, a.platform ?? '', a.key, a.value]);
  return JSON.stringify([
    options.compression ?? 'gzip', options.compressionLevel ?? null, options.forceCompression === true,
    options.mediaTypes ?? 'oci', options.rewriteTimestamp ?? null, annotations,
  ]);
}
