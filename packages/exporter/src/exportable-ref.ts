import type { diff } from '@kiln/layer';
import type { Descriptor, Digest } from '@kiln/oci';
import type { LayerCompressionName } from './image-export-options.js';

/** Mounts as `@kiln/sys` describes them (plain data), named through `@kiln/layer` so this package needs no `sys`. */
export type TreeMounts = Parameters<typeof diff>[1];

/** One layer of an exported image: its blob in content and its diff_id. */
export interface ExportLayer {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  /**
   * When the layer's snapshot was made, in milliseconds since the epoch: the
   * `created` of a history entry that has none (BuildKit uses the ref's
   * creation time, so re-exporting a cached result gives the same image).
   * The export time when absent.
   */
  readonly createdAt?: number;
  /** What made the layer (`mount / from exec …`): `created_by` of a history entry added for a layer the history misses. */
  readonly description?: string;
  /**
   * `image` for a base image's blob (never rewritten), `diff` for a layer
   * the build made (clamped when an epoch was asked for, so annotated
   * `buildkit/rewritten-timestamp`); unknown when absent, and then neither
   * is assumed.
   */
  readonly origin?: 'image' | 'diff';
}

/**
 * What the exporter needs of a build result: the part of `@kiln/cache`'s
 * `ImmutableRef` it uses, typed structurally so a cache ref passes as it is
 * (and tests can hand in their own). The exporter never releases it: the
 * caller owns the ref.
 */
export interface ExportableRef {
  /**
   * The layers of the tree, base first, as blobs in the content store the
   * exporter writes to; image layers keep their original blobs.
   * `compressionLevel` is the compressor's level for layers made now;
   * `sourceDateEpoch` (seconds) asks for mtimes clamped in the layers the
   * build made.
   */
  layers(options?: { readonly compression?: LayerCompressionName; readonly compressionLevel?: number; readonly sourceDateEpoch?: number }): Promise<readonly ExportLayer[]>;
  /** Read-only mounts of the whole tree; `release` when done. */
  mount(): Promise<{ readonly mounts: TreeMounts; release(): Promise<void> }>;
}
