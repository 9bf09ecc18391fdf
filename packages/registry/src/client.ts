import { ErrorCode } from '@kiln/errors';
import { normalizeReference, referenceToString, type Descriptor, type Digest, type ImageReference, type Platform } from '@kiln/oci';
import PQueue from 'p-queue';
import { Authorizer } from './auth/authorizer.js';
import { repositoryScope } from './auth/scopes.js';
import { fetchBlob } from './blob-fetch.js';
import { blobExistsAt, mountBlobAt, uploadBlob, type BlobPushTarget } from './blob-upload.js';
import type { RegistryContentStore } from './content-port.js';
import { readFrom, storeBytes } from './content-io.js';
import type { CredentialsSource, RegistryCredentials } from './credentials/credentials.js';
import { dockerConfigCredentials } from './credentials/docker-config.js';
import { hostPlatform } from './host-platform.js';
import { registryEndpoints, type RegistryEndpoint, type RegistryHostsConfig } from './hosts.js';
import { discardBody } from './http/request.js';
import { defaultRetryPolicy, type RetryPolicy } from './http/retry.js';
import { RegistryTransport } from './http/transport.js';
import { fetchManifestFrom, type FetchedManifest } from './manifest-fetch.js';
import { putManifest } from './manifest-push.js';
import type { ProgressListener } from './progress.js';
import { pullImage, type PullResult } from './pull.js';
import { pushImage } from './push.js';
import { RegistryError } from './registry-error.js';
import { settleAll } from './settle-all.js';

/** How a {@link RegistryClient} reaches registries. Every field is optional. */
export interface RegistryClientOptions {
  /** Where credentials come from; default: docker's config.json of `process.env` (helpers included). */
  readonly credentials?: CredentialsSource;
  /** Per-host settings from kiln's config file: mirrors, plain HTTP, insecure TLS. */
  readonly hosts?: RegistryHostsConfig;
  /** Hosts (`host[:port]`) to reach without TLS verification, falling back to plain HTTP, like docker's `--insecure-registry`. */
  readonly insecureRegistries?: readonly string[];
  /** Blobs moved at once, across all pulls and pushes of this client. Default 4. */
  readonly concurrency?: number;
  /** Retry policy for 5xx, 429 and dropped connections. Default {@link defaultRetryPolicy}. */
  readonly retry?: Partial<RetryPolicy>;
  /** The User-Agent header. Default `kiln/0.1`. */
  readonly userAgent?: string;
  /** Upload blobs in PATCH chunks of this many bytes; 0 or absent for one monolithic PUT per blob. */
  readonly uploadChunkSize?: number;
}

/** Options every network call takes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of transfers that report progress. */
export interface TransferOptions extends CallOptions {
  readonly onProgress?: ProgressListener;
}

/** Options of {@link RegistryClient.pull}. */
export interface PullOptions extends TransferOptions {
  /** The platform to select from an index; default the host's ({@link hostPlatform}). */
  readonly platform?: Platform;
}

/** Options of {@link RegistryClient.push}. */
export interface PushOptions extends TransferOptions {
  /** Repositories on the same registry to try to mount blobs from before uploading them (`library/alpine`). */
  readonly mountFrom?: readonly string[];
}

/** A resolved reference: the descriptor of what it names, and that document's exact bytes. */
export interface ResolvedReference extends FetchedManifest {
  readonly reference: ImageReference;
}

/**
 * A client of the OCI distribution API (v2) for any number of registries.
 * References are docker-style strings or parsed {@link ImageReference}s;
 * `busybox` means `docker.io/library/busybox:latest`. Pulls try the host's
 * mirrors first. Localhost and 127.0.0.0/8 are reached over plain HTTP.
 * Tokens are cached per host and scope for the client's lifetime, so one
 * client should serve a whole build.
 *
 * Every method honours `signal` (CanceledError) and throws
 * {@link RegistryError}s whose message names the reference and whose `code`
 * says what went wrong (NotFound, Unauthenticated, PermissionDenied,
 * InvalidArgument, DataLoss, ResourceExhausted, Unsupported, Unavailable).
 */
export class RegistryClient {
  readonly #transport: RegistryTransport;
  readonly #queue: PQueue;
  readonly #hosts: RegistryHostsConfig;
  readonly #insecure: readonly string[];
  readonly #chunkSize: number;
  readonly #retry: RetryPolicy;
  readonly #userAgent: string;

  constructor(options: RegistryClientOptions = {}) {
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#userAgent = options.userAgent ?? 'kiln/0.1';
    const auth = new Authorizer(options.credentials ?? dockerConfigCredentials(), this.#userAgent, this.#retry);
    this.#transport = new RegistryTransport(auth, this.#retry, this.#userAgent);
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.#hosts = options.hosts ?? {};
    this.#insecure = options.insecureRegistries ?? [];
    this.#chunkSize = options.uploadChunkSize ?? 0;
  }

  #endpoints(ref: ImageReference, purpose: 'pull' | 'push'): RegistryEndpoint[] {
    return registryEndpoints(ref.domain, purpose, this.#hosts, this.#insecure);
  }

  /**
   * Fetches the manifest or index `ref` names (by tag, or by digest, which is
   * then verified), trying mirrors first. Refuses documents over 4 MiB and
   * media types kiln does not read, by name.
   */
  async resolve(ref: string | ImageReference, options: CallOptions = {}): Promise<ResolvedReference> {
    const reference = normalizeReference(ref);
    const label = referenceToString(reference);
    const fetched = await this.#firstEndpoint(reference, (endpoint) =>
      fetchManifestFrom(this.#transport, endpoint, reference.path, reference.digest ?? reference.tag!, reference.digest, label, [repositoryScope(reference.path, ['pull'])], options.signal),
    );
    return { reference, ...fetched };
  }

  /**
   * Fetches the manifest or index `descriptor` names from `ref`'s repository
   * and checks it against the descriptor's digest and size; stores it when
   * `store` is given. Returns its bytes.
   */
  async fetchManifest(ref: string | ImageReference, descriptor: Descriptor, store?: RegistryContentStore, options: CallOptions = {}): Promise<Uint8Array> {
    const reference = normalizeReference(ref);
    const label = referenceToString(reference);
    const fetched = await this.#firstEndpoint(reference, (endpoint) =>
      fetchManifestFrom(this.#transport, endpoint, reference.path, descriptor.digest, descriptor.digest, label, [repositoryScope(reference.path, ['pull'])], options.signal),
    );
    if (fetched.bytes.length !== descriptor.size) {
      throw new RegistryError(ErrorCode.DataLoss, label, `fetch manifest ${descriptor.digest} of ${label}: ${fetched.bytes.length} bytes, the descriptor says ${descriptor.size}`);
    }
    if (store !== undefined) {
      await storeBytes(store, descriptor, fetched.bytes);
    }
    return fetched.bytes;
  }

  /**
   * Downloads blob `descriptor` of `ref`'s repository into `store`, streaming
   * and verifying size and digest; resumes with Range after a dropped
   * connection. Nothing is stored when the bytes are wrong. Runs in the
   * client's transfer queue.
   */
  fetchBlob(ref: string | ImageReference, descriptor: Descriptor, store: RegistryContentStore, options: TransferOptions = {}): Promise<void> {
    const reference = normalizeReference(ref);
    return this.#queue.add(
      () =>
        fetchBlob({
          transport: this.#transport,
          endpoints: this.#endpoints(reference, 'pull'),
          repository: reference.path,
          descriptor,
          store,
          reference: referenceToString(reference),
          scopes: [repositoryScope(reference.path, ['pull'])],
          onProgress: options.onProgress,
          signal: options.signal,
        }),

    );
  }

  /**
   * Pulls `ref` into `store`: the index or manifest, the manifest for
   * `platform` (default the host's), its config and layers (several at once).
   */
  async pull(ref: string | ImageReference, store: RegistryContentStore, options: PullOptions = {}): Promise<PullResult> {
    const reference = normalizeReference(ref);
    const label = referenceToString(reference);
    return pullImage(
      {
        reference: label,
        resolve: () => this.resolve(reference, options),
        fetchManifest: (descriptor) => this.fetchManifest(reference, descriptor, undefined, options),
        fetchBlobs: (descriptors) =>
          settleAll(
            unique(descriptors).map((d) => (signal) => this.fetchBlob(reference, d, store, { ...options, signal })),
            options.signal,
          ),
      },
      store,
      options.platform ?? hostPlatform(),
    );
  }

  /**
   * Pushes the image or index `root` (and everything under it) from `store`
   * to `ref`: blobs the registry lacks (HEAD first, then a mount from
   * `mountFrom`, then an upload), several at once; then manifests, children
   * first; the root goes under `ref`'s tag, or its digest when `ref` has one
   * (which must equal `root.digest`).
   */
  async push(ref: string | ImageReference, store: RegistryContentStore, root: Descriptor, options: PushOptions = {}): Promise<void> {
    const reference = normalizeReference(ref);
    const label = referenceToString(reference);
    if (reference.digest !== undefined && reference.digest !== root.digest) {
      throw new RegistryError(ErrorCode.InvalidArgument, label, `push ${label}: the reference names digest ${reference.digest} but the content to push is ${root.digest}`);
    }
    const endpoint = this.#endpoints(reference, 'push').at(-1)!;
    const scopes = [repositoryScope(reference.path, ['pull', 'push']), ...(options.mountFrom ?? []).map((from) => repositoryScope(from, ['pull']))];
    const target: BlobPushTarget = { transport: this.#transport, endpoint, repository: reference.path, reference: label, scopes, signal: options.signal };
    await pushImage(
      {
        reference: label,
        pushBlobs: (descriptors) =>
          settleAll(
            unique(descriptors).map((d) => (signal) => this.#queue.add(() => this.#pushBlob({ ...target, signal }, store, d, options))),
            options.signal,
          ),
        putManifest: (tagOrDigest, descriptor, bytes) =>
          putManifest(this.#transport, endpoint, reference.path, tagOrDigest, descriptor, bytes, label, scopes, options.signal),
      },
      store,
      root,
      reference.digest === undefined ? reference.tag : undefined,
    );
  }

  async #pushBlob(target: BlobPushTarget, store: RegistryContentStore, descriptor: Descriptor, options: PushOptions): Promise<void> {
    const emit = (status: 'exists' | 'mounted'): void =>
      options.onProgress?.({ direction: 'push', reference: target.reference, descriptor, status, current: descriptor.size, total: descriptor.size });
    if (await blobExistsAt(target, descriptor.digest)) {
      emit('exists');
      return;
    }
    let location: URL | undefined;
    for (const from of options.mountFrom ?? []) {
      if (from === target.repository) continue;
      const result = await mountBlobAt(target, descriptor.digest, from);
      if (result.mounted) {
        emit('mounted');
        return;
      }
      location ??= result.location;
    }
    await uploadBlob(target, descriptor, (start) => readFrom(store, descriptor, start), {
      chunkSize: this.#chunkSize,
      location,
      onProgress: options.onProgress,
    });
  }

  /** True when `ref`'s repository has blob `digest` (HEAD). */
  async blobExists(ref: string | ImageReference, digest: Digest, options: CallOptions = {}): Promise<boolean> {
    const reference = normalizeReference(ref);
    return blobExistsAt(this.#pushTarget(reference, [repositoryScope(reference.path, ['pull'])], options), digest);
  }

  /**
   * Mounts blob `descriptor` from repository `from` (same registry) into
   * `ref`'s repository. False when the registry declined (it then has no such
   * blob in `from`, or kiln may not read it); the session it opened is
   * cancelled.
   */
  async mountBlob(ref: string | ImageReference, descriptor: Descriptor, from: string, options: CallOptions = {}): Promise<boolean> {
    const reference = normalizeReference(ref);
    const target = this.#pushTarget(reference, [repositoryScope(reference.path, ['pull', 'push']), repositoryScope(from, ['pull'])], options);
    const result = await mountBlobAt(target, descriptor.digest, from);
    if (result.mounted) return true;
    await this.#transport
      .send({ ...target, method: 'DELETE', target: result.location, expectedStatuses: [404, 405], action: 'cancel the upload session of' })
      .then((r) => discardBody(r.body))
      .catch(() => {});
    return false;
  }

  #pushTarget(reference: ImageReference, scopes: string[], options: CallOptions): BlobPushTarget {
    const endpoint = this.#endpoints(reference, 'push').at(-1)!;
    return { transport: this.#transport, endpoint, repository: reference.path, reference: referenceToString(reference), scopes, signal: options.signal };
  }

  /**
   * Checks credentials against `host` the way `docker login` does: `GET /v2/`,
   * answering its challenge with `credentials` (a token from its realm, or
   * Basic). Resolves when the registry accepts them.
   *
   * @throws RegistryError or UnauthenticatedError when it refuses them.
   */
  async checkCredentials(host: string, credentials: RegistryCredentials, options: CallOptions = {}): Promise<void> {
    const auth = new Authorizer(async (asked) => (asked === endpoint.host || asked === host ? credentials : undefined), this.#userAgent, this.#retry);
    const transport = new RegistryTransport(auth, this.#retry, this.#userAgent);
    const endpoint = registryEndpoints(host, 'push', this.#hosts, this.#insecure).at(-1)!;
    const response = await transport.send({ endpoint, method: 'GET', target: '', scopes: [], signal: options.signal, action: 'log in to', reference: host });
    discardBody(response.body);
  }

  /** Runs `attempt` on each endpoint for `ref` in order; a failing mirror passes to the next; the last error is thrown. */
  async #firstEndpoint<T>(reference: ImageReference, attempt: (endpoint: RegistryEndpoint) => Promise<T>): Promise<T> {
    const endpoints = this.#endpoints(reference, 'pull');
    for (const [i, endpoint] of endpoints.entries()) {
      try {
        return await attempt(endpoint);
      } catch (error) {
        if (i + 1 === endpoints.length || (error as { code?: unknown }).code === ErrorCode.Canceled) throw error;
      }
    }
    throw new Error('unreachable: no endpoints');
  }
}

function unique(descriptors: readonly Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of descriptors) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}
