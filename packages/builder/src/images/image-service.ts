import { garbageCollect, openContentRoot, type ContentRoot } from '@kiln/content';
import { FailedPreconditionError, InvalidArgumentError } from '@kiln/errors';
import { distributableImage } from '@kiln/exporter';
import { formatPlatform, parsePlatform, type Descriptor, type Digest, type Platform } from '@kiln/oci';
import { hostPlatform, login, logout, RegistryClient, type ProgressListener, type RegistryHostsConfig } from '@kiln/registry';
import { loadImages, saveImages, type LoadedImages, type SaveInput, type SaveOutput } from './image-archives.js';
import { displayName, loginHost, storedImageName } from './image-names.js';
import { summarizeImage, type ImageSummary } from './image-summary.js';
import { loadKilnRegistryHosts } from './kiln-config.js';
import { leasedStore } from './leased-store.js';
import { findLocalImage } from './local-image.js';

/** Options of {@link openImageService}. */
export interface ImageServiceOptions {
  /** The kiln root; default `KILN_ROOT`, else `/var/lib/kiln` as root, else `$XDG_DATA_HOME/kiln`. */
  readonly root?: string;
  /** Registry host settings; default read from `kilnConfigPath()`. */
  readonly registryHosts?: RegistryHostsConfig;
  /** Blobs moved at once per pull or push. Default 4. */
  readonly concurrency?: number;
}

/** Options of transfers: a progress listener (it must not throw) and cancellation. */
export interface ImageTransferOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

/** Options of {@link ImageService.pull}. */
export interface ImagePullOptions extends ImageTransferOptions {
  /** `os/arch[/variant]` to pick from a multi-platform index; default the host's (`linux/amd64` on x86-64). */
  readonly platform?: string;
}

/** What {@link ImageService.pull} stored. */
export interface PulledImage {
  /** The stored name (`docker.io/library/busybox:latest`). */
  readonly name: string;
  /** As docker shows it (`busybox:latest`). */
  readonly familiar: string;
  /** The digest the reference resolved to in the registry (an index or a manifest): what `busybox@<digest>` pulls again. */
  readonly digest: Digest;
  /** The single-platform manifest the name now points at. */
  readonly manifest: Descriptor;
  /** The image ID (config digest). */
  readonly id: Digest;
  readonly platform: string;
  /** False when the name already pointed at this manifest (docker's "Image is up to date"). */
  readonly changed: boolean;
}

/** What {@link ImageService.push} sent. */
export interface PushedImage {
  /** The full destination reference. */
  readonly destination: string;
  /** The digest of the pushed manifest or index: the registry serves it under this digest. */
  readonly digest: Digest;
  /** Its size in bytes. */
  readonly size: number;
}

/** What {@link ImageService.prune} freed. */
export interface PruneResult {
  readonly removed: readonly Digest[];
  /** Bytes of the removed blobs. */
  readonly removedBytes: number;
}

/**
 * kiln's local images, as `kiln pull/push/images/tag/rmi/save/load/prune/login`
 * use them: names in the kiln root's image store (always fully normalised;
 * every method also accepts familiar names and, where docker does, image IDs),
 * blobs in its content store, registries through one {@link RegistryClient}.
 * Several processes may use one root at once. Close it with {@link close}.
 */
export class ImageService {
  readonly #root: ContentRoot;
  readonly #client: RegistryClient;
  readonly #host: Platform = hostPlatform();

  /** Use {@link openImageService}. */
  constructor(root: ContentRoot, client: RegistryClient) {
    this.#root = root;
    this.#client = client;
  }

  /** The kiln root directory in use. */
  get root(): string {
    return this.#root.root;
  }

  /**
   * `kiln pull`: resolves `ref` at its registry, picks the manifest for the
   * platform from an index, fetches manifest, config and layers into the
   * content store (blobs already present are not fetched) under a lease, then
   * points the name at the manifest. Two processes pulling the same image
   * store each blob once.
   *
   * @throws InvalidArgumentError for a malformed reference or platform; the registry's errors (NotFound, Unauthenticated, …).
   */
  async pull(ref: string, options: ImagePullOptions = {}): Promise<PulledImage> {
    const name = storedImageName(ref);
    const platform = options.platform === undefined ? this.#host : parsePlatform(options.platform, this.#host);
    const { leases, content, images } = this.#root;
    const before = images.find(name)?.target.digest;
    const lease = leases.create({ labels: { 'kiln.pull': name } });
    try {
      const pulled = await this.#client.pull(name, leasedStore(content, leases, lease.id), {
        platform,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      images.put(name, pulled.manifest, { 'kiln.image.pulled-digest': pulled.root.digest });
      const c = pulled.imageConfig;
      return {
        name,
        familiar: displayName(name).familiar,
        digest: pulled.root.digest,
        manifest: pulled.manifest,
        id: pulled.config.digest,
        platform: formatPlatform({ os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) }),
        changed: before !== pulled.manifest.digest,
      };
    } finally {
      leases.delete(lease.id);
    }
  }

  /**
   * `kiln push REF [DEST]`: sends the local image `ref` (name or ID) with
   * everything it references to `dest` (default: `ref` itself), blobs the
   * registry already has skipped.
   *
   * Builds store their layers uncompressed (as docker's image store); such
   * an image is compressed first (gzip, see `distributableImage`: same image
   * ID, new manifest digest) and every local name of the stored manifest is
   * re-pointed at the compressed one before it is sent, so later pushes and
   * saves reuse it instead of compressing again. Indexes and images whose
   * layers are all compressed are sent as they are.
   *
   * @throws NotFoundError for an unknown local image; InvalidArgumentError when `ref` is an ID and no `dest` is given; the registry's errors.
   */
  async push(ref: string, dest?: string, options: ImageTransferOptions = {}): Promise<PushedImage> {
    const { leases, content, images } = this.#root;
    const match = await findLocalImage(images, content, ref, this.#host);
    if (dest === undefined && match.by === 'id') throw new InvalidArgumentError(`push of image ID ${JSON.stringify(ref)} needs a destination: kiln push ${ref} REGISTRY/REPOSITORY:TAG`);
    const destination = storedImageName(dest ?? match.images[0]!.name);
    const stored = match.images[0]!.target;
    // The lease holds the compressed blobs until the names do (and through the push, should the names move meanwhile).
    const lease = leases.create({ labels: { 'kiln.push': destination } });
    try {
      const target = await distributableImage(this.#root, stored, lease.id);
      if (target.digest !== stored.digest) images.retarget(stored.digest, target);
      await this.#client.push(destination, content, target, {
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return { destination, digest: target.digest, size: target.size };
    } finally {
      leases.delete(lease.id);
    }
  }

  /** `kiln images`: every named image, sorted by name. */
  async list(): Promise<ImageSummary[]> {
    const records = this.#root.images.list();
    const out: ImageSummary[] = [];
    for (const record of records) out.push(await summarizeImage(this.#root.content, record, this.#host));
    return out;
  }

  /**
   * `kiln tag SRC DEST`: points name `dest` at the image `src` names (a name or an ID).
   * Returns the stored name of `dest`.
   *
   * @throws NotFoundError for an unknown `src`; InvalidArgumentError for a malformed `dest` or a digest `dest` that differs from the image.
   */
  async tag(src: string, dest: string): Promise<string> {
    const match = await findLocalImage(this.#root.images, this.#root.content, src, this.#host);
    const name = storedImageName(dest);
    const { target } = match.images[0]!;
    const at = name.indexOf('@');
    if (at !== -1 && name.slice(at + 1) !== target.digest) {
      throw new InvalidArgumentError(`cannot tag ${JSON.stringify(src)} as ${JSON.stringify(dest)}: the image is ${target.digest}, not ${name.slice(at + 1)}`);
    }
    this.#root.images.put(name, target);
    return name;
  }

  /**
   * `kiln rmi`: removes names. Each of `refs` is a name, or an image ID that
   * removes every name of that image (with several repositories only when
   * `force`). All refs are resolved before anything is removed, so an unknown
   * one removes nothing. Blobs stay until {@link prune}. Returns the removed
   * names, stored and familiar form.
   *
   * @throws NotFoundError for an unknown ref; FailedPreconditionError for an ID used in several repositories without `force`.
   */
  async remove(refs: readonly string[], options: { readonly force?: boolean } = {}): Promise<{ name: string; familiar: string }[]> {
    const names: string[] = [];
    for (const ref of refs) {
      const match = await findLocalImage(this.#root.images, this.#root.content, ref, this.#host);
      const repositories = new Set(match.images.map((s) => s.repository));
      if (match.by === 'id' && repositories.size > 1 && options.force !== true) {
        throw new FailedPreconditionError(`image ${ref} is named in several repositories (${[...repositories].join(', ')}): remove it by name, or force it`);
      }
      for (const s of match.images) if (!names.includes(s.name)) names.push(s.name);
    }
    for (const name of names) this.#root.images.delete(name);
    return names.map((name) => ({ name, familiar: displayName(name).familiar }));
  }

  /**
   * `kiln save`: writes the images `refs` name to a tar file (replaced
   * atomically) or a stream, as an OCI layout or a docker archive.
   *
   * @throws NotFoundError for an unknown name; as the archive writers.
   */
  async save(refs: readonly string[], output: SaveOutput, options: { readonly format: 'oci' | 'docker'; readonly platform?: string }): Promise<void> {
    const platform = options.platform === undefined ? undefined : parsePlatform(options.platform, this.#host);
    const names: string[] = [];
    for (const ref of refs) names.push((await findLocalImage(this.#root.images, this.#root.content, ref, this.#host)).images[0]!.name);
    await saveImages(this.#root, names, output, { format: options.format, ...(platform === undefined ? {} : { platform }) });
  }

  /**
   * `kiln load`: imports an OCI layout (directory or tar) or a docker archive
   * (also compressed) and names its images as the archive names them. An
   * OCI layout entry that gives only a tag is named in `defaultRepository`
   * (`busybox` + `latest` → `docker.io/library/busybox:latest`) when given,
   * else left unnamed.
   */
  load(input: SaveInput, options: { readonly defaultRepository?: string } = {}): Promise<LoadedImages> {
    return loadImages(this.#root, input, options.defaultRepository);
  }

  /**
   * `kiln prune`: deletes every blob no image name, live lease or gc root
   * references. Blobs written less than `gracePeriodMs` ago (default 60 s)
   * are kept, since another process may be between writing a blob and
   * recording it.
   */
  async prune(options: { readonly gracePeriodMs?: number } = {}): Promise<PruneResult> {
    const result = await garbageCollect({ content: this.#root.content, db: this.#root.db, minAgeMs: options.gracePeriodMs ?? 60_000 });
    return { removed: result.removed, removedBytes: result.removedBytes };
  }

  /**
   * `kiln login`: checks the credentials against `server` (`GET /v2/` and
   * its challenge), then stores them in docker's config.json (or its
   * credential helper). Returns the host they were stored for.
   *
   * @throws Unauthenticated (a RegistryError or UnauthenticatedError) when the registry refuses them; nothing is stored then.
   */
  async login(server: string, username: string, password: string, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const host = loginHost(server);
    await this.#client.checkCredentials(host, { kind: 'basic', username, password }, options.signal === undefined ? {} : { signal: options.signal });
    await login(host, username, password);
    return host;
  }

  /** `kiln logout`: forgets the credentials for `server`. Resolves false when none were stored. */
  async logout(server: string): Promise<{ host: string; removed: boolean }> {
    const host = loginHost(server);
    return { host, removed: await logout(host) };
  }

  /** Closes the metadata database. */
  close(): void {
    this.#root.close();
  }
}

/**
 * Opens the image service of a kiln root (created when absent). The caller
 * closes it.
 *
 * @throws InvalidArgumentError when kiln's registry config file is malformed.
 */
export async function openImageService(options: ImageServiceOptions = {}): Promise<ImageService> {
  const hosts = options.registryHosts ?? (await loadKilnRegistryHosts());
  const root = await openContentRoot(options.root);
  return new ImageService(root, new RegistryClient({ hosts, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }) }));
}
