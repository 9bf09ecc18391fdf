import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalContentStore } from '@kiln/content';
import { MediaType } from '@kiln/oci';
import { RegistryClient, RegistryError, type TransferProgress } from '@kiln/registry';
import { startFaultProxy, type FaultRule } from './support/fault-proxy.ts';
import { freePort, startRegistry, type RunningRegistry } from './support/registry-process.ts';
import { makeTinyImage, storeBlobs, type TinyImage } from './support/tiny-image.ts';

let registry: RunningRegistry;
let work: string;
let image: TinyImage;
const repo = 'faults/image';
const anonymous = async (): Promise<undefined> => undefined;
const client = (options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient =>
  new RegistryClient({ credentials: anonymous, retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...options });

async function newStore(): Promise<LocalContentStore> {
  return LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
}

/** Nothing committed and nothing left in ingest/. */
function storeIsEmpty(store: LocalContentStore): boolean {
  const blobs = fs.readdirSync(path.join(store.dir, 'blobs', 'sha256'));
  const ingest = fs.readdirSync(path.join(store.dir, 'ingest'));
  return blobs.length === 0 && ingest.length === 0;
}

const layer = (): TinyImage['layers'][number] => image.layers[0]!;
const isLayerGet = (r: { method: string; url: string }): boolean => r.method === 'GET' && r.url.endsWith(`/blobs/${layer().descriptor.digest}`);

async function withProxy<T>(rule: FaultRule, body: (host: string, requests: { method: string; url: string; range: string | undefined }[], maxConcurrent: () => number) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(registry.port, rule);
  try {
    return await body(proxy.host, proxy.requests, () => proxy.maxConcurrent());
  } finally {
    await proxy.close();
  }
}

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-faults-'));
  registry = await startRegistry();
  // Random bytes do not compress, so the layer stays ~1 MiB and a cut lands mid-blob.
  image = makeTinyImage({ files: [{ 'data/random.bin': randomBytes(1 << 20) }] });
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  await client().push(`${registry.host}/${repo}:v1`, store, image.manifest.descriptor);
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('503 and 429 answers are retried with backoff, honouring Retry-After', async (t) => {
  let manifestGets = 0;
  await withProxy(
    ({ method, url }) => {
      if (method !== 'GET' || !url.includes('/manifests/')) return undefined;
      manifestGets++;
      if (manifestGets === 1) return { kind: 'status', status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}' };
      if (manifestGets === 2) return { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
      return undefined;
    },
    async (host) => {
      const started = Date.now();
      // Retry-After is honoured up to maxDelayMs.
      const resolved = await client({ retry: { baseDelayMs: 5, maxDelayMs: 2000 } }).resolve(`${host}/${repo}:v1`);
      t.is(resolved.descriptor.digest, image.manifest.descriptor.digest);
      t.is(manifestGets, 3);
      t.true(Date.now() - started >= 900, 'waited for Retry-After: 1');
    },
  );
});

test('a 5xx that does not pass is reported as Unavailable after the configured attempts', async (t) => {
  await withProxy(
    ({ url }) => (url.includes('/manifests/') ? { kind: 'status', status: 502, body: 'bad gateway' } : undefined),
    async (host, requests) => {
      const error = (await t.throwsAsync(client({ retry: { attempts: 3, baseDelayMs: 1 } }).resolve(`${host}/${repo}:v1`))) as RegistryError;
      t.is(error.code, 'Unavailable');
      t.is(error.status, 502);
      t.regex(error.message, new RegExp(`${host}/${repo}:v1: bad gateway \\(HTTP 502`));
      t.is(requests.filter((r) => r.url.includes('/manifests/')).length, 3);
    },
  );
});

test('a download cut mid-blob resumes with Range from the bytes already stored', async (t) => {
  let cut = false;
  await withProxy(
    (r) => {
      if (!isLayerGet(r) || cut) return undefined;
      cut = true;
      return { kind: 'cut', afterBytes: 300_000 };
    },
    async (host, requests) => {
      const store = await newStore();
      const events: TransferProgress[] = [];
      await client().fetchBlob(`${host}/${repo}`, layer().descriptor, store, { onProgress: (e) => events.push(e) });
      t.deepEqual(Buffer.from(await fs.promises.readFile(store.path(layer().descriptor.digest))), layer().bytes);
      const gets = requests.filter(isLayerGet);
      t.is(gets.length, 2);
      t.is(gets[0]!.range, undefined);
      t.regex(gets[1]!.range ?? '', /^bytes=\d+-$/);
      t.true(Number(/\d+/.exec(gets[1]!.range!)![0]) >= 65_536, 'resumed past the first chunks, not from 0');
      const retry = events.find((e) => e.status === 'retrying');
      t.truthy(retry);
      t.true(retry!.current > 0);
    },
  );
});

test('when the registry ignores Range after a cut, the download starts over and still verifies', async (t) => {
  let gets = 0;
  await withProxy(
    (r) => {
      if (!isLayerGet(r)) return undefined;
      gets++;
      return gets === 1 ? { kind: 'cut', afterBytes: 400_000 } : { kind: 'ignoreRange' };
    },
    async (host) => {
      const store = await newStore();
      const events: TransferProgress[] = [];
      await client().fetchBlob(`${host}/${repo}`, layer().descriptor, store, { onProgress: (e) => events.push(e) });
      t.deepEqual(Buffer.from(await fs.promises.readFile(store.path(layer().descriptor.digest))), layer().bytes);
      t.true(events.some((e) => e.status === 'retrying' && e.current === 0), 'restarted from 0');
      t.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
    },
  );
});

test('bytes that do not match the digest give DataLoss and store nothing (corrupted in transit)', async (t) => {
  await withProxy(
    (r) => (isLayerGet(r) ? { kind: 'corrupt' } : undefined),
    async (host) => {
      const store = await newStore();
      const error = (await t.throwsAsync(client().fetchBlob(`${host}/${repo}`, layer().descriptor, store))) as RegistryError;
      t.is(error.code, 'DataLoss');
      t.regex(error.message, new RegExp(`fetch blob ${layer().descriptor.digest} of ${host}/${repo}.*does not match its digest`));
      t.true(storeIsEmpty(store));
    },
  );
});

test('a blob corrupted in the registry storage is refused by pull, and nothing of it is stored', async (t) => {
  const other = makeTinyImage({ files: [{ 'etc/corrupt-me': 'original bytes\n'.repeat(100) }], label: 'corrupt' });
  const source = await newStore();
  await storeBlobs(source, other.blobs);
  await client().push(`${registry.host}/faults/corrupt:v1`, source, other.manifest.descriptor);
  const hex = other.layers[0]!.descriptor.digest.slice(7);
  const data = path.join(registry.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  const bytes = fs.readFileSync(data);
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x01;
  fs.writeFileSync(data, bytes);
  const store = await newStore();
  const error = (await t.throwsAsync(client().pull(`${registry.host}/faults/corrupt:v1`, store))) as RegistryError;
  t.is(error.code, 'DataLoss');
  t.false(await store.has(other.layers[0]!.descriptor.digest));
  t.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
});

test('a manifest over 4 MiB is refused as ResourceExhausted before it is read', async (t) => {
  const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
  await withProxy(
    ({ url }) => (url.includes('/manifests/') ? { kind: 'respond', status: 200, headers: { 'content-type': MediaType.ociManifest }, body: huge } : undefined),
    async (host) => {
      const error = (await t.throwsAsync(client().resolve(`${host}/${repo}:huge`))) as RegistryError;
      t.is(error.code, 'ResourceExhausted');
      t.regex(error.message, new RegExp(`${host}/${repo}:huge.*4194305 bytes.*4 MiB`));
    },
  );
});

test('an unknown manifest media type is reported by name; Docker schema 1 too', async (t) => {
  const odd = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.example.thing.v1+json' }));
  const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }));
  await withProxy(
    ({ url }) => {
      if (url.endsWith('/manifests/odd')) return { kind: 'respond', status: 200, headers: { 'content-type': 'application/vnd.example.thing.v1+json' }, body: odd };
      if (url.endsWith('/manifests/old')) return { kind: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body: schema1 };
      return undefined;
    },
    async (host) => {
      const error = (await t.throwsAsync(client().pull(`${host}/${repo}:odd`, await newStore()))) as RegistryError;
      t.is(error.code, 'Unsupported');
      t.regex(error.message, /unsupported manifest media type "application\/vnd\.example\.thing\.v1\+json"/);
      const old = (await t.throwsAsync(client().resolve(`${host}/${repo}:old`))) as RegistryError;
      t.is(old.code, 'Unsupported');
      t.regex(old.message, /Docker schema 1/);
    },
  );
});

test('registry error codes map to kiln codes: NAME_INVALID, DENIED, UNAUTHORIZED without credentials, TOOMANYREQUESTS', async (t) => {
  const errorBody = (code: string, message: string): Buffer => Buffer.from(JSON.stringify({ errors: [{ code, message, detail: null }] }));
  await withProxy(
    ({ url }) => {
      const json = { 'content-type': 'application/json' };
      if (url.includes('/name/')) return { kind: 'respond', status: 400, headers: json, body: errorBody('NAME_INVALID', 'invalid repository name') };
      if (url.includes('/denied/')) return { kind: 'respond', status: 403, headers: json, body: errorBody('DENIED', 'requested access to the resource is denied') };
      if (url.includes('/auth/')) return { kind: 'respond', status: 401, headers: { ...json, 'www-authenticate': 'Basic realm="test"' }, body: errorBody('UNAUTHORIZED', 'authentication required') };
      if (url.includes('/busy/')) return { kind: 'respond', status: 429, headers: json, body: errorBody('TOOMANYREQUESTS', 'slow down') };
      return undefined;
    },
    async (host) => {
      const cases = [
        ['name', 'InvalidArgument', 'NAME_INVALID: invalid repository name'],
        ['denied', 'PermissionDenied', 'DENIED: requested access to the resource is denied'],
        ['auth', 'Unauthenticated', 'UNAUTHORIZED: authentication required'],
        ['busy', 'ResourceExhausted', 'TOOMANYREQUESTS: slow down'],
      ] as const;
      for (const [name, code, said] of cases) {
        const error = (await t.throwsAsync(client({ retry: { attempts: 2, baseDelayMs: 1 } }).resolve(`${host}/${name}/x:v1`))) as RegistryError;
        t.is(error.code, code, name);
        t.true(error.message.startsWith(`resolve ${host}/${name}/x:v1: ${said}`), error.message);
      }
      const auth = (await t.throwsAsync(client().resolve(`${host}/auth/x:v1`))) as RegistryError;
      t.regex(auth.message, new RegExp(`no credentials for ${host} \\(run kiln login ${host}\\)`));
    },
  );
});

test('an upload interrupted by 5xx is retried: monolithic in a new session, chunked from the registry offset', async (t) => {
  const fresh = makeTinyImage({ files: [{ 'data/r.bin': randomBytes(200_000) }], label: 'upload-retry' });
  const store = await newStore();
  await storeBlobs(store, fresh.blobs);
  let puts = 0;
  await withProxy(
    ({ method, url }) => {
      if (method === 'PUT' && url.includes('/blobs/uploads/') && ++puts === 1) return { kind: 'status', status: 503 };
      return undefined;
    },
    async (host, requests) => {
      await client().push(`${host}/faults/upload-mono:v1`, store, fresh.manifest.descriptor);
      t.true(requests.filter((r) => r.method === 'POST').length >= 3, 'a new session after the failed PUT');
    },
  );
  let patches = 0;
  await withProxy(
    ({ method }) => (method === 'PATCH' && ++patches === 2 ? { kind: 'status', status: 500 } : undefined),
    async (host, requests) => {
      await client({ uploadChunkSize: 64 * 1024 }).push(`${host}/faults/upload-chunked:v1`, store, fresh.manifest.descriptor);
      t.true(requests.some((r) => r.method === 'GET' && r.url.includes('/blobs/uploads/')), 'asked the session for its offset');
    },
  );
  const into = await newStore();
  const pulled = await client().pull(`${registry.host}/faults/upload-chunked:v1`, into);
  t.is(pulled.layers[0]!.digest, fresh.layers[0]!.descriptor.digest);
  t.truthy(await into.readBytes(fresh.layers[0]!.descriptor.digest));
});

test('aborting a download rejects with Canceled and leaves nothing in the store', async (t) => {
  const store = await newStore();
  const controller = new AbortController();
  const error = await t.throwsAsync(
    client().fetchBlob(`${registry.host}/${repo}`, layer().descriptor, store, {
      signal: controller.signal,
      onProgress: (e) => e.status === 'progress' && controller.abort(),
    }),
  );
  t.is((error as { code?: string }).code, 'Canceled');
  t.true(storeIsEmpty(store));
});

test('docker.io pulls go to the configured mirrors in order; an unreachable mirror passes to the next', async (t) => {
  const store = await newStore();
  const source = await newStore();
  await storeBlobs(source, image.blobs);
  await client().push(`${registry.host}/library/tiny:v1`, source, image.manifest.descriptor);
  const dead = `127.0.0.1:${await freePort()}`;
  const mirrored = client({ hosts: { 'docker.io': { mirrors: [dead, `http://${registry.host}`] } }, retry: { attempts: 1 } });
  const result = await mirrored.pull('tiny:v1', store);
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  t.true(await store.has(layer().descriptor.digest));
});

test('pull fetches several blobs at once, up to the client concurrency', async (t) => {
  const many = makeTinyImage({ files: [1, 2, 3, 4, 5].map((n) => ({ [`layer${n}`]: `content ${n}\n` })), label: 'many' });
  const source = await newStore();
  await storeBlobs(source, many.blobs);
  await client().push(`${registry.host}/faults/many:v1`, source, many.manifest.descriptor);
  await withProxy(
    ({ url }) => (url.includes('/blobs/') ? { kind: 'delay', ms: 150 } : undefined),
    async (host, requests, maxConcurrent) => {
      const result = await client({ concurrency: 3 }).pull(`${host}/faults/many:v1`, await newStore());
      t.is(result.layers.length, 5);
      t.is(requests.filter((r) => r.url.includes('/blobs/')).length, 6);
      t.is(maxConcurrent(), 3);
    },
  );
});

test('aborting a push rejects with Canceled', async (t) => {
  const fresh = makeTinyImage({ files: [{ 'data/r.bin': randomBytes(300_000) }], label: 'abort-push' });
  const store = await newStore();
  await storeBlobs(store, fresh.blobs);
  const controller = new AbortController();
  await withProxy(
    ({ method }) => (method === 'PUT' ? { kind: 'delay', ms: 2000 } : undefined),
    async (host) => {
      let abortedAt = 0;
      const error = await t.throwsAsync(
        client().push(`${host}/faults/abort:v1`, store, fresh.manifest.descriptor, {
          signal: controller.signal,
          // Abort once an upload body is on its way (and stalled by the proxy).
          onProgress: (e) => {
            if (e.status === 'progress' && abortedAt === 0) setTimeout(() => ((abortedAt = Date.now()), controller.abort()), 100);
          },
        }),
      );
      t.is((error as { code?: string }).code, 'Canceled');
      t.true(Date.now() - abortedAt < 1000, 'did not wait for the stalled upload');
    },
  );
});
