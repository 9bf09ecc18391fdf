import { UnsupportedError } from '@kiln/errors';
import { normalizePlatform, samePlatform, parsePlatform, type ImageConfig, type Platform } from '@kiln/oci';
import type { ImageAnnotation } from './image-export-options.js';

/** The annotations that apply to one single-platform image, by where they go. */
export interface SelectedAnnotations {
  /** On the manifest itself. */
  readonly manifest: Readonly<Record<string, string>>;
  /** On the descriptor pointing at the manifest. */
  readonly manifestDescriptor: Readonly<Record<string, string>>;
}

/**
 * Picks the annotations for the image whose config is `config`: those
 * without a platform and those whose platform is the image's; a later
 * option with the same key wins. Pure.
 *
 * kiln's result is one image and no index, where BuildKit refuses index
 * annotations (`index annotations not supported for single platform
 * export`); so does this, with BuildKit's words, once such an annotation
 * applies to the image.
 *
 * @throws UnsupportedError for an `annotation-index…` option that applies.
 */
export function selectAnnotations(annotations: readonly ImageAnnotation[] | undefined, config: ImageConfig): SelectedAnnotations {
  const platform: Platform = normalizePlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
  const manifest: Record<string, string> = {};
  const manifestDescriptor: Record<string, string> = {};
  for (const a of annotations ?? []) {
    if (a.platform !== undefined && !samePlatform(parsePlatform(a.platform), platform)) continue;
    if (a.kind === 'index' || a.kind === 'index-descriptor') {
      throw new UnsupportedError(`index annotations not supported for single platform export (annotation-${a.kind}.${a.key}): kiln makes one image manifest and no index`);
    }
    (a.kind === 'manifest' ? manifest : manifestDescriptor)[a.key] = a.value;
  }
  return { manifest, manifestDescriptor };
}
