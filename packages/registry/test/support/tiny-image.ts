/**
 * Builds small but real images in memory for the registry tests: a gzip
 * layer tar of a few files (made by GNU tar), an image config whose diff_ids
 * match, a manifest, and optionally an index over several platforms. Also
 * writes them into a kiln content store or an OCI image layout (for skopeo).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MediaType, parseDigest, type Descriptor, type Digest, type Platform } from '@kiln/oci';

export interface Blob {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
}

export interface TinyImage {
  readonly layers: readonly Blob[];
  readonly config: Blob;
  readonly manifest: Blob;
  /** Every blob of the image, manifest last. */
  readonly blobs: readonly Blob[];
}

export function sha256(bytes: Uint8Array): Digest {
  return parseDigest(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
}

export function blobOf(mediaType: string, bytes: Buffer, extra: Partial<Descriptor> = {}): Blob {
  return { descriptor: { mediaType, digest: sha256(bytes), size: bytes.length, ...extra }, bytes };
}

/** A gzip layer holding `files` (path → content), made reproducibly with GNU tar. */
export function makeLayer(files: Record<string, string | Buffer>, flavor: 'oci' | 'docker' = 'oci'): { blob: Blob; diffId: Digest } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-layer-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    const tar = execFileSync('tar', ['-C', dir, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 1 << 30 });
    const mediaType = flavor === 'oci' ? MediaType.ociLayerGzip : MediaType.dockerLayerGzip;
    return { blob: blobOf(mediaType, gzipSync(tar, { level: 1 })), diffId: sha256(tar) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface TinyImageOptions {
  readonly files?: readonly Record<string, string | Buffer>[];
  readonly platform?: Platform;
  readonly flavor?: 'oci' | 'docker';
  /** Added to the config so images differ. */
  readonly label?: string;
}

export function makeTinyImage(options: TinyImageOptions = {}): TinyImage {
  const flavor = options.flavor ?? 'oci';
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const made = (options.files ?? [{ 'etc/hello.txt': 'hello from kiln\n', 'bin/tool': '#!/bin/sh\necho tool\n' }]).map((f) => makeLayer(f, flavor));
  const config = blobOf(
    flavor === 'oci' ? MediaType.ociConfig : MediaType.dockerConfig,
    Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        config: { Cmd: ['/bin/tool'], Labels: { 'kiln.test': options.label ?? 'tiny' } },
        rootfs: { type: 'layers', diff_ids: made.map((m) => m.diffId) },
        history: made.map(() => ({ created_by: 'kiln test' })),
      }),
    ),
  );
  const layers = made.map((m) => m.blob);
  const manifest = blobOf(
    flavor === 'oci' ? MediaType.ociManifest : MediaType.dockerManifest,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: flavor === 'oci' ? MediaType.ociManifest : MediaType.dockerManifest,
        config: config.descriptor,
        layers: layers.map((l) => l.descriptor),
      }),
    ),
  );
  return { layers, config, manifest, blobs: [...layers, config, manifest] };
}

/** An OCI index over images for several platforms; returns the index blob and every blob. */
export function makeIndex(images: readonly { image: TinyImage; platform: Platform }[]): { index: Blob; blobs: Blob[] } {
  const index = blobOf(
    MediaType.ociIndex,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: images.map(({ image, platform }) => ({ ...image.manifest.descriptor, platform })),
      }),
    ),
  );
  return { index, blobs: [...images.flatMap(({ image }) => image.blobs), index] };
}

/** Stores blobs in a content store that has `writeBytes` (kiln's LocalContentStore). */
export async function storeBlobs(store: { writeBytes(bytes: Uint8Array, expected: { digest: Digest; size: number }): Promise<unknown> }, blobs: readonly Blob[]): Promise<void> {
  for (const blob of blobs) await store.writeBytes(blob.bytes, { digest: blob.descriptor.digest, size: blob.descriptor.size });
}

/** Writes an OCI image layout at `dir` whose index.json names `root` as `tag`. */
export function writeOciLayout(dir: string, blobs: readonly Blob[], root: Descriptor, tag: string): void {
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const blob of blobs) fs.writeFileSync(path.join(dir, 'blobs', 'sha256', blob.descriptor.digest.slice(7)), blob.bytes);
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
}
