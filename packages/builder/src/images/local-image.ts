import type { ContentStore, ImageRecord, ImageStore } from '@kiln/content';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import type { Platform } from '@kiln/oci';
import { looksLikeImageId, mayBeImageId, storedImageName } from './image-names.js';
import { summarizeImage, type ImageSummary } from './image-summary.js';

/** What a local reference found: by name (one record), or by image ID (every name of that image). */
export interface LocalImageMatch {
  readonly by: 'name' | 'id';
  readonly images: readonly ImageSummary[];
}

/**
 * Finds stored images the way docker resolves a local reference: first as a
 * name (`busybox` = `docker.io/library/busybox:latest`), then, when it can
 * be one, as an image ID or a prefix of one (`sha256:3f57…`, `3f57d9401f8d`).
 *
 * @throws NotFoundError when nothing matches; InvalidArgumentError for a
 *   malformed reference or an ID prefix that matches several images.
 */
export async function findLocalImage(images: ImageStore, content: ContentStore, ref: string, host: Platform): Promise<LocalImageMatch> {
  let name: string | undefined;
  if (!looksLikeImageId(ref)) {
    name = storedImageName(ref);
    const record = images.find(name);
    if (record !== undefined) return { by: 'name', images: [await summarizeImage(content, record, host)] };
  }
  if (mayBeImageId(ref)) {
    const prefix = ref.startsWith('sha256:') ? ref : `sha256:${ref}`;
    const all = await Promise.all(images.list().map((r: ImageRecord) => summarizeImage(content, r, host)));
    const matching = all.filter((s) => s.id.startsWith(prefix));
    const ids = new Set(matching.map((s) => s.id));
    if (ids.size > 1) throw new InvalidArgumentError(`image ID prefix ${JSON.stringify(ref)} is ambiguous: it matches ${[...ids].join(', ')}`);
    if (matching.length > 0) return { by: 'id', images: matching };
  }
  const normalised = name !== undefined && name !== ref ? ` (${name})` : '';
  throw new NotFoundError(`no local image ${JSON.stringify(ref)}${normalised}: \`kiln images\` lists the stored images, \`kiln pull\` fetches one`);
}
