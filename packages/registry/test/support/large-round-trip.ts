/**
 * Pushes one large blob (as the single layer of an image) from a kiln content
 * store to a registry and pulls it back into another store, timing each way
 * and reading the process's peak RSS. Shared by the memory test and the
 * benchmark script.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LocalContentStore } from '@kiln/content';
import { MediaType } from '@kiln/oci';
import { RegistryClient } from '@kiln/registry';
import { blobOf, storeBlobs } from './tiny-image.ts';

export interface RoundTripResult {
  readonly bytes: number;
  readonly pushMs: number;
  readonly pullMs: number;
  /** Peak RSS (bytes) before the transfers, after the data was generated. */
  readonly rssBefore: number;
  /** Peak RSS (bytes) after both transfers. */
  readonly rssAfter: number;
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

export async function largeRoundTrip(registryHost: string, work: string, mebibytes: number, options: { chunkSize?: number } = {}): Promise<RoundTripResult> {
  const source = await LocalContentStore.open(fs.mkdtempSync(path.join(work, 'big-src-')));
  const writer = await source.writer('big');
  // 1 MiB of random bytes repeated with a changing prefix: incompressible enough, cheap to make.
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mebibytes; i++) {
    block.writeUInt32BE(i, 0);
    await writer.write(block);
  }
  const layer = await writer.commit();
  const layerDescriptor = { mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size };
  const config = blobOf(MediaType.ociConfig, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
  const manifest = blobOf(MediaType.ociManifest, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: config.descriptor, layers: [layerDescriptor] })));
  await storeBlobs(source, [config, manifest]);
  const client = new RegistryClient({ credentials: async () => undefined, uploadChunkSize: options.chunkSize ?? 0 });
  const rssBefore = peakRss();
  const ref = `${registryHost}/bench/big:${mebibytes}m${options.chunkSize ? 'c' : ''}`;
  let started = performance.now();
  await client.push(ref, source, manifest.descriptor);
  const pushMs = performance.now() - started;
  const target = await LocalContentStore.open(fs.mkdtempSync(path.join(work, 'big-dst-')));
  started = performance.now();
  const pulled = await client.pull(ref, target, { platform: { os: 'linux', architecture: 'amd64' } });
  const pullMs = performance.now() - started;
  if (pulled.layers[0]?.digest !== layer.digest || (await target.info(layer.digest)).size !== layer.size) throw new Error('the pulled layer differs');
  return { bytes: layer.size, pushMs, pullMs, rssBefore, rssAfter: peakRss() };
}
