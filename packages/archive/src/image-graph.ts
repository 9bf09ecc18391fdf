import { DataLossError, UnsupportedError } from '@kiln/errors';
import { indexMediaTypes, manifestMediaTypes, MediaType, parseManifestDocument, type Descriptor } from '@kiln/oci';

/** What a blob is to the image that references it. */
export type BlobRole = 'index' | 'manifest' | 'config' | 'layer';

/** One distinct blob of an image graph. */
export interface GraphBlob {
  readonly descriptor: Descriptor;
  readonly role: BlobRole;
  /** Who references it, for error messages (`index.json`, `manifest sha256:…`). */
  readonly referencedBy: string;
}

/**
 * How a walk reaches blobs. `document` returns the verified bytes of an index
 * or manifest (its digest and size already checked); `blob` is told about every
 * other blob (config, layer) and may check or copy it.
 */
export interface GraphVisitor {
  document(blob: GraphBlob): Promise<Uint8Array>;
  blob(blob: GraphBlob): Promise<void>;
}

/** Layer types that registries may serve from `urls` instead: an archive may leave them out. */
const foreignLayerTypes: ReadonlySet<string> = new Set([
  MediaType.dockerLayerForeign,
  MediaType.dockerLayerForeignGzip,
  MediaType.ociLayerNondistributable,
  MediaType.ociLayerNondistributableGzip,
  MediaType.ociLayerNondistributableZstd,
]);

/** True for a layer an archive may omit: a foreign / non-distributable layer that names `urls`. */
export function mayBeAbsent(descriptor: Descriptor): boolean {
  return foreignLayerTypes.has(descriptor.mediaType) && (descriptor.urls?.length ?? 0) > 0;
}

/** The role of a descriptor that an index (or index.json) lists. */
function roleOfIndexEntry(descriptor: Descriptor, where: string): 'index' | 'manifest' {
  if (manifestMediaTypes.includes(descriptor.mediaType)) return 'manifest';
  if (indexMediaTypes.includes(descriptor.mediaType)) return 'index';
  throw new UnsupportedError(
    `${where} lists ${descriptor.digest} with media type ${JSON.stringify(descriptor.mediaType)}, which is neither an image manifest nor an index ` +
      `(expected one of ${[...manifestMediaTypes, ...indexMediaTypes].map((t) => JSON.stringify(t)).join(', ')})`,
  );
}

/**
 * Walks images from `roots` (index or manifest descriptors, as in
 * `index.json`): indexes recursively, each manifest's config and layers. Each
 * distinct digest is visited once, parents before children. A manifest's
 * `subject` is not followed (it names another image, which need not be here).
 *
 * @param rootsFrom names the roots' container in errors (`index.json`).
 * @returns every blob visited, in visit order.
 * @throws UnsupportedError naming the media type when an index lists something
 *   that is not a manifest or index; InvalidArgumentError (wrapped in
 *   DataLossError) when a manifest or index does not parse; whatever the visitor throws.
 */
export async function walkImageGraph(roots: readonly Descriptor[], rootsFrom: string, visitor: GraphVisitor): Promise<GraphBlob[]> {
  const seen = new Set<string>();
  const visited: GraphBlob[] = [];
  const visit = async (descriptor: Descriptor, role: BlobRole, referencedBy: string): Promise<void> => {
    if (seen.has(descriptor.digest)) return;
    seen.add(descriptor.digest);
    const blob: GraphBlob = { descriptor, role, referencedBy };
    visited.push(blob);
    if (role === 'config' || role === 'layer') {
      await visitor.blob(blob);
      return;
    }
    const bytes = await visitor.document(blob);
    let document;
    try {
      document = parseManifestDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), descriptor.mediaType);
    } catch (cause) {
      throw new DataLossError(`${role} ${descriptor.digest} (referenced by ${referencedBy}) is not a valid ${role}: ${(cause as Error).message}`, { cause });
    }
    const self = `${role} ${descriptor.digest}`;
    if (document.kind === 'index') {
      for (const entry of document.index.manifests) await visit(entry, roleOfIndexEntry(entry, self), self);
      return;
    }
    await visit(document.manifest.config, 'config', self);
    for (const layer of document.manifest.layers) await visit(layer, 'layer', self);
  };
  for (const root of roots) await visit(root, roleOfIndexEntry(root, rootsFrom), rootsFrom);
  return visited;
}
