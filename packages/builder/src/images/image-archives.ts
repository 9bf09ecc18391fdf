import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { archiveStream, imagesFromStore, loadArchive, saveArchive, type ArchiveFormat } from '@kiln/archive';
import type { ContentRoot } from '@kiln/content';
import type { Descriptor, Platform } from '@kiln/oci';
import { displayName } from './image-names.js';

/** Where `kiln save` writes: a tar file (replaced atomically), or a stream such as stdout (which the caller owns and ends). */
export type SaveOutput = { readonly file: string } | { readonly stream: Writable };

/** What `kiln load` reads: a path (OCI layout directory or tar, docker archive), or a tar stream such as stdin with a name for messages. */
export type SaveInput = string | { readonly stream: AsyncIterable<Uint8Array>; readonly name: string };

/** What `kiln load` stored. */
export interface LoadedImages {
  readonly format: ArchiveFormat;
  /** Names now pointing at loaded images, stored and familiar form, in archive order. */
  readonly named: readonly { readonly name: string; readonly familiar: string }[];
  /** Images the archive gives no name: stored, but unnamed, so the next prune removes them. */
  readonly unnamed: readonly Descriptor[];
}

/** Writes the images stored under `names` (normalised names) as an archive. */
export async function saveImages(
  root: ContentRoot,
  names: readonly string[],
  output: SaveOutput,
  options: { readonly format: 'oci' | 'docker'; readonly platform?: Platform },
): Promise<void> {
  const images = imagesFromStore(root.images, names);
  if ('file' in output) {
    await saveArchive(root.content, images, { file: output.file }, options);
    return;
  }
  await pipeline(Readable.from(archiveStream(root.content, images, options)), output.stream, { end: false });
}

/**
 * Imports an archive and names its images as the archive names them; an OCI
 * layout that gives only a tag (`ref.name` = `latest`) names them in
 * `defaultRepository` when given.
 */
export async function loadImages(root: ContentRoot, input: SaveInput, defaultRepository?: string): Promise<LoadedImages> {
  const result = await loadArchive(root, input, defaultRepository === undefined ? {} : { defaultRepository });
  return {
    format: result.format,
    named: result.named.map((name) => ({ name, familiar: displayName(name).familiar })),
    unnamed: result.unnamed,
  };
}
