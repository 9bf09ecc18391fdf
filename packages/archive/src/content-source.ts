import { DataLossError, NotFoundError } from '@kiln/errors';
import type { LocalContentStore } from '@kiln/content';
import { walkImageGraph, mayBeAbsent, type GraphBlob } from './image-graph.js';

/**
 * Every blob the images rooted at `roots` need, read from `content`: indexes
 * and manifests verified (digest and size), configs and layers checked to be
 * present with the size their descriptor states. Foreign layers with `urls`
 * that are not stored are left out, as registries serve them elsewhere.
 *
 * @throws NotFoundError naming the blob and who references it when content
 *   lacks one; DataLossError when a stored size or digest disagrees;
 *   UnsupportedError for an index entry of unknown media type.
 */
export async function imageBlobsInContent(content: LocalContentStore, roots: GraphBlob['descriptor'][]): Promise<GraphBlob[]> {
  const present = async (blob: GraphBlob): Promise<boolean> => {
    const { descriptor } = blob;
    const info = await content.info(descriptor.digest).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'NotFound') return undefined;
      throw error;
    });
    if (info === undefined) {
      if (blob.role === 'layer' && mayBeAbsent(descriptor)) return false;
      throw new NotFoundError(`${blob.role} ${descriptor.digest} (referenced by ${blob.referencedBy}) is not in the content store`);
    }
    if (info.size !== descriptor.size) {
      throw new DataLossError(`${blob.role} ${descriptor.digest} (referenced by ${blob.referencedBy}): the descriptor says ${descriptor.size} bytes, the store holds ${info.size}`);
    }
    return true;
  };
  const absent = new Set<string>();
  const blobs = await walkImageGraph(roots, 'the images to save', {
    document: async (blob) => {
      await present(blob);
      return content.readBytes(blob.descriptor.digest, { maxSize: Math.max(blob.descriptor.size, 1) });
    },
    blob: async (blob) => {
      if (!(await present(blob))) absent.add(blob.descriptor.digest);
    },
  });
  return blobs.filter((b) => !absent.has(b.descriptor.digest));
}
