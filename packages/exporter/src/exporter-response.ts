import { goJson } from '@kiln/oci';
import type { ExportedImage } from './export-image.js';

/**
 * BuildKit's exporter response for an image (what `--metadata-file` holds):
 * `containerimage.digest` (manifest), `containerimage.config.digest` (the
 * image id), `containerimage.descriptor` (the manifest descriptor as JSON)
 * and, when named, `image.name` (names joined by commas).
 */
export function exporterResponse(image: ExportedImage): Record<string, string> {
  return {
    'containerimage.config.digest': image.imageId,
    'containerimage.descriptor': goJson(image.manifest, 0),
    'containerimage.digest': image.digest,
    ...(image.names.length > 0 ? { 'image.name': image.names.join(',') } : {}),
  };
}
