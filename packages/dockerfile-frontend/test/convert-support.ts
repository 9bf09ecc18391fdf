/**
 * Test helpers for conversion: a fake image resolver with made-up images,
 * and shortcuts to convert text and find vertices by op or name.
 */
import { parseDockerfile } from '@kiln/dockerfile-syntax';
import { convertDockerfile, type ConvertOptions, type ConvertResult, type ResolvedImage } from '@kiln/dockerfile-frontend';
import type { DefinitionVertex, ExecOp, FileOp } from '@kiln/llb';
import type { Digest, ImageConfig, Platform } from '@kiln/oci';

export const amd64: Platform = { os: 'linux', architecture: 'amd64' };
export const arm64: Platform = { os: 'linux', architecture: 'arm64' };

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** A busybox-like config: one layer, PATH set. */
export function imageConfig(config: ImageConfig['config'] = {}, layers = 1): ImageConfig {
  return {
    created: '2024-01-17T21:49:12Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...config },
    rootfs: { type: 'layers', diff_ids: Array.from({ length: layers }, (_, i) => `sha256:${hex(i + 100)}` as Digest) },
    history: Array.from({ length: layers }, (_, i) => ({ created: '2024-01-17T21:49:12Z', created_by: `layer ${i}` })),
  };
}

/** A resolver over `images` (normalised name → config) that records every call. */
export function fakeResolver(images: Record<string, ImageConfig> = {}) {
  const calls: string[] = [];
  let n = 0;
  const digests = new Map<string, Digest>();
  const resolve = async (ref: string, platform: Platform): Promise<ResolvedImage> => {
    calls.push(`${ref} ${platform.os}/${platform.architecture}`);
    const config = images[ref] ?? (ref.startsWith('docker.io/library/busybox') || ref.startsWith('docker.io/library/alpine') ? imageConfig() : undefined);
    if (config === undefined) throw new Error(`pull access denied for ${ref}`);
    let digest = digests.get(ref);
    if (digest === undefined) digests.set(ref, (digest = `sha256:${hex(++n)}` as Digest));
    return { ref: ref.includes('@') ? ref : `${ref}@${digest}`, digest, config };
  };
  return { resolve, calls };
}

/** Converts `text` with sensible defaults (amd64 host, fixed clock, fake images). */
export async function convert(text: string, options: Partial<ConvertOptions> & { images?: Record<string, ImageConfig> } = {}): Promise<ConvertResult & { calls: string[] }> {
  const { resolve, calls } = fakeResolver(options.images);
  const result = await convertDockerfile(parseDockerfile(text), {
    targetPlatform: amd64,
    buildPlatform: amd64,
    resolveImage: resolve,
    ...options,
  });
  return { ...result, calls };
}

export const execs = (r: ConvertResult): (DefinitionVertex & { vertex: { op: ExecOp } })[] =>
  r.definition.vertices.filter((v): v is DefinitionVertex & { vertex: { op: ExecOp } } => v.vertex.op.type === 'exec');
export const files = (r: ConvertResult): (DefinitionVertex & { vertex: { op: FileOp } })[] =>
  r.definition.vertices.filter((v): v is DefinitionVertex & { vertex: { op: FileOp } } => v.vertex.op.type === 'file');
export const names = (r: ConvertResult): string[] => r.definition.vertices.map((v) => v.metadata.name);
export const createdBy = (r: ConvertResult): string[] => (r.image.history ?? []).map((h) => h.created_by ?? '');
export const vertex = (r: ConvertResult, digest: string) => r.definition.vertices.find((v) => v.digest === digest)!;
