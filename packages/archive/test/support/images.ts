import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ExecutionContext } from 'ava';
import { digestBytes, openContentRoot, type ContentRoot } from '@kiln/content';
import { encodeTar, type TarInput } from '@kiln/layer';
import { MediaType, serializeImageConfig, serializeImageManifest, type Descriptor, type Digest, type ImageConfig } from '@kiln/oci';

const run = promisify(execFile);

/** A fresh temporary directory removed when the test ends (pass or fail). */
export function tempDir(t: ExecutionContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-archive-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A kiln root in a temporary directory, closed and removed when the test ends. */
export async function tempRoot(t: ExecutionContext): Promise<ContentRoot> {
  const root = await openContentRoot(path.join(tempDir(t), 'root'));
  t.teardown(() => root.close());
  return root;
}

/** Runs a tool and returns its stdout; the error carries stderr. */
export async function tool(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, args, { maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

/** All chunks of a byte stream, concatenated (small test data only). */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

/** True when `command` is on PATH. */
export function hasTool(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, command)));
}

/** Tar bytes of regular files (path → content), root-owned, mtime fixed. */
export async function tarOf(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const entries: TarInput[] = Object.entries(files).map(([name, text]) => ({
    header: { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: Buffer.byteLength(text), mtime: 1_700_000_000 },
    body: Buffer.from(text),
  }));
  return collect(encodeTar(entries));
}

/** A test image stored in content: its manifest descriptor and the parts it is made of. */
export interface TestImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly diffIds: readonly Digest[];
}

/**
 * Stores a small image: one gzip layer per entry of `layers` (path → content),
 * an OCI config whose diff_ids match, and an OCI manifest.
 */
export async function storeTestImage(root: ContentRoot, layers: readonly Readonly<Record<string, string>>[], options: { readonly compression?: 'gzip' | 'zstd' | 'none'; readonly cmd?: string } = {}): Promise<TestImage> {
  const compression = options.compression ?? 'gzip';
  const descriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (const files of layers) {
    const tar = await tarOf(files);
    diffIds.push(digestBytes(tar));
    const blob = compression === 'gzip' ? zlib.gzipSync(tar) : compression === 'zstd' ? zlib.zstdCompressSync(tar) : tar;
    const stored = await root.content.writeBytes(blob);
    const mediaType = compression === 'gzip' ? MediaType.ociLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
    descriptors.push({ mediaType, digest: stored.digest, size: stored.size });
  }
  const config: ImageConfig = {
    created: '2026-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: [options.cmd ?? 'sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `layer ${i}` })),
  };
  const configStored = await root.content.writeBytes(serializeImageConfig(config));
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: configStored.digest, size: configStored.size };
  const manifestText = serializeImageManifest({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDescriptor, layers: descriptors });
  const manifestStored = await root.content.writeBytes(manifestText);
  return {
    manifest: { mediaType: MediaType.ociManifest, digest: manifestStored.digest, size: manifestStored.size, platform: { architecture: 'amd64', os: 'linux' } },
    config: configDescriptor,
    layers: descriptors,
    diffIds,
  };
}

/** The standard two-layer test image: /etc/hello and /app/data, then /app/more. */
export const twoLayers = [{ 'etc/hello': 'hello from kiln\n', 'app/data': 'layer one\n' }, { 'app/more': 'layer two\n' }] as const;
