import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalContentStore } from '@kiln/content';
import { RegistryClient, type RegistryClientOptions, type RegistryError } from '@kiln/registry';
import { externalIPv4, selfSignedCertificate, startRegistry, type RunningRegistry } from './support/registry-process.ts';
import { makeTinyImage, storeBlobs } from './support/tiny-image.ts';

// Registries off the loopback net need TLS unless declared insecure; these tests bind to the machine's own non-loopback address.
const ip = externalIPv4();
let work: string;
let tlsRegistry: RunningRegistry;
let plainRegistry: RunningRegistry;
const image = makeTinyImage({ label: 'insecure' });

const client = (options: RegistryClientOptions = {}): RegistryClient =>
  new RegistryClient({ credentials: async () => undefined, retry: { attempts: 2, baseDelayMs: 5 }, ...options });

async function roundTrip(c: RegistryClient, host: string, repo: string): Promise<string> {
  const store = await LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
  await storeBlobs(store, image.blobs);
  await c.push(`${host}/${repo}:v1`, store, image.manifest.descriptor);
  const into = await LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
  return (await c.pull(`${host}/${repo}:v1`, into)).manifest.digest;
}

if (ip === undefined) {
  test.skip('insecure-registry tests need a non-loopback IPv4 address, and this machine has none', () => {});
} else {
  test.before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-insecure-'));
    tlsRegistry = await startRegistry({ kind: 'none' }, { address: ip, tls: selfSignedCertificate(work, ip) });
    plainRegistry = await startRegistry({ kind: 'none' }, { address: ip });
  });

  test.after.always(async () => {
    await tlsRegistry?.stop();
    await plainRegistry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('a TLS registry with a self-signed certificate is refused unless declared insecure', async (t) => {
    const error = (await t.throwsAsync(client().resolve(`${tlsRegistry.host}/tls/image:v1`))) as RegistryError;
    t.is(error.code, 'Unavailable');
    t.regex(error.message, new RegExp(`resolve ${tlsRegistry.host}/tls/image:v1: GET https://.*self-signed certificate`));
    t.is(await roundTrip(client({ insecureRegistries: [tlsRegistry.host] }), tlsRegistry.host, 'tls/image'), image.manifest.descriptor.digest);
  });

  test('a plain-HTTP registry off loopback: refused by default, reached by HTTP fallback when insecure, or directly with http: true', async (t) => {
    const error = (await t.throwsAsync(client().resolve(`${plainRegistry.host}/plain/image:v1`))) as RegistryError;
    t.is(error.code, 'Unavailable');
    t.regex(error.message, /GET https:\/\//);
    t.is(await roundTrip(client({ insecureRegistries: [plainRegistry.host] }), plainRegistry.host, 'plain/fallback'), image.manifest.descriptor.digest);
    t.is(await roundTrip(client({ hosts: { [plainRegistry.host]: { http: true } } }), plainRegistry.host, 'plain/http'), image.manifest.descriptor.digest);
  });
}
