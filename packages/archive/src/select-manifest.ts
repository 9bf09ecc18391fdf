import { NotFoundError } from '@kiln/errors';
import type { LocalContentStore } from '@kiln/content';
import {
  formatPlatform, normalizeArchitecture, parseManifestDocument, platformMatcher,
  type Descriptor, type ImageManifest, type Platform,
} from '@kiln/oci';

/** The platform of the running process (`linux/amd64` on an x64 Linux), normalised. */
export function hostPlatform(): Platform {
  const arch = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
  const { architecture, variant } = normalizeArchitecture(arch, undefined);
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture, ...(variant ? { variant } : {}) };
}

/** BuildKit's attestation manifests sit in an index beside the images; they are not images to run. */
function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/**
 * The single-platform manifest `target` stands for: itself when it is a
 * manifest; from an index, the best match for `platform` (default: the only
 * image in the index, else the host platform). Attestation manifests are
 * never chosen.
 *
 * @throws NotFoundError naming the platforms on offer when none matches;
 *   NotFoundError / DataLossError from content.
 */
export async function selectManifest(
  content: LocalContentStore,
  target: Descriptor,
  platform?: Platform,
): Promise<{ descriptor: Descriptor; manifest: ImageManifest }> {
  const text = (await content.readBytes(target.digest)).toString('utf8');
  const document = parseManifestDocument(text, target.mediaType);
  if (document.kind === 'manifest') return { descriptor: target, manifest: document.manifest };
  const images = document.index.manifests.filter((d) => !isAttestation(d));
  let chosen: Descriptor | undefined;
  if (platform === undefined && images.length === 1) chosen = images[0];
  else {
    const wanted = platform ?? hostPlatform();
    const matcher = platformMatcher(wanted);
    chosen = images
      .filter((d) => d.platform !== undefined && matcher.match(d.platform))
      .sort((a, b) => matcher.compare(a.platform!, b.platform!))[0];
    if (chosen === undefined) {
      const offered = images.map((d) => (d.platform ? formatPlatform(d.platform) : 'unknown')).join(', ') || 'none';
      throw new NotFoundError(`index ${target.digest} has no image for ${formatPlatform(wanted)} (it has: ${offered})`);
    }
  }
  return selectManifest(content, chosen!, platform);
}
