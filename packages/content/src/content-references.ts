import { DataLossError } from '@kiln/errors';
import { indexMediaTypes, manifestMediaTypes, parseManifestDocument, type Digest } from '@kiln/oci';
import type { ContentStore } from './content-store.js';

/** A blob and, when known, its media type: what references point at. */
export interface ContentRef {
  readonly digest: Digest;
  readonly mediaType?: string | undefined;
}

/** Largest blob sniffed for references when its media type is unknown: 4 MiB, as for manifests. */
const sniffLimit = 4 << 20;

/**
 * The blobs `ref` references: a manifest's config and layers, an index's
 * manifests. Other content (configs, layers, unknown types) references
 * nothing. A blob of unknown media type that is small JSON shaped like a
 * manifest or index is followed too, so leases need not record types.
 *
 * @throws DataLossError when a blob typed as a manifest or index cannot be
 *   read or parsed: collecting on a guess could delete what it references.
 */
export async function contentChildren(store: ContentStore, ref: ContentRef): Promise<ContentRef[]> {
  const typed = ref.mediaType !== undefined && (manifestMediaTypes.includes(ref.mediaType) || indexMediaTypes.includes(ref.mediaType));
  if (!typed) {
    const info = await store.info(ref.digest).catch(() => undefined);
    if (info === undefined || info.size > sniffLimit || info.size < 2) return [];
    const stream = await store.readStream(ref.digest);
    let first: number | undefined;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      first = chunk[0];
      break;
    }
    stream.destroy();
    if (first !== 0x7b /* { */) return [];
    try {
      return documentChildren((await store.readBytes(ref.digest)).toString('utf8'), undefined);
    } catch {
      return []; // JSON of another kind (a config, an attestation): no references
    }
  }
  let text: string;
  try {
    text = (await store.readBytes(ref.digest, { maxSize: 64 << 20 })).toString('utf8');
  } catch (cause) {
    if ((cause as { code?: string }).code === 'NotFound') return [];
    throw new DataLossError(`cannot follow references of ${ref.digest} (${ref.mediaType}): ${(cause as Error).message}`, { cause });
  }
  try {
    return documentChildren(text, ref.mediaType);
  } catch (cause) {
    throw new DataLossError(`cannot follow references of ${ref.digest} (${ref.mediaType}): ${(cause as Error).message}`, { cause });
  }
}

function documentChildren(text: string, mediaType: string | undefined): ContentRef[] {
  const document = parseManifestDocument(text, mediaType);
  if (document.kind === 'index') return document.index.manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType }));
  const { manifest } = document;
  return [{ digest: manifest.config.digest, mediaType: manifest.config.mediaType }, ...manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType }))];
}
