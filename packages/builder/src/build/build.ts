import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCacheManager, type ImmutableRef } from '@kiln/cache';
import { defaultKilnRoot, openContentRoot } from '@kiln/content';
import { convertDockerfile } from '@kiln/dockerfile-frontend';
import { parseDockerfile } from '@kiln/dockerfile-syntax';
import { InvalidArgumentError, UnsupportedError } from '@kiln/errors';
import { OciExecutor, goArch } from '@kiln/executor';
import { checkOutputs, exporterResponse, exportImage, exportOutputs, parseOutputSpec, storedImageOptions, type ExportedImage, type PushedName } from '@kiln/exporter';
import { formatPlatform, normalizeReference, parsePlatform, referenceToString, type Platform } from '@kiln/oci';
import { readIgnorePatterns } from '@kiln/patterns';
import { RegistryClient, type ProgressListener } from '@kiln/registry';
import { openSnapshotter } from '@kiln/snapshot';
import { SolveError, solve, type CacheStore, type KeyParts, type Result, type SolveEvent } from '@kiln/solver';
import { resolveImage } from '@kiln/source';
import { createWorker, isExecError, type SecretSource } from '@kiln/worker';
import { loadKilnRegistryHosts } from '../images/kiln-config.js';
import { BuildError } from './build-error.js';
import { checkEntitlements, entitlements, type Entitlement } from './entitlements.js';
import type { BuildOptions } from './build-options.js';
import { EventQueue } from './event-queue.js';
import { internalStep } from './internal-steps.js';
import { sourceResolvers } from './source-resolvers.js';
import { lintBuild, reportBuildLint, ResolvedBaseImages } from '../lint/build-lint.js';
import type { BuildWarningEvent } from '../lint/lint.js';

/**
 * A build's events, one typed stream for every consumer (kiln's TTY and plain
 * displays, `--progress=rawjson`, IDE plugins): the solver's `vertex.*`
 * events (see `SolveEvent` for their order per step), plus notes about the
 * build as a whole. Times are milliseconds since the Unix epoch.
 *
 * Besides the solver's steps (`digest` = `sha256:…`), the build reports
 * steps of its own in the same shape, BuildKit's `[internal] …` steps:
 * `kiln:load-definition` (reading the Dockerfile), `kiln:load-dockerignore`,
 * `kiln:load-metadata:N` (resolving a base image; a pull's blob transfers
 * are its `vertex.progress`, `id` = the blob digest, bytes in
 * `current`/`total`) and `kiln:export` (`exporting to image`, with push
 * progress). Build checks and other warnings are `build.warning`.
 */
export type BuildEvent =
  | SolveEvent
  | BuildWarningEvent
  | { readonly type: 'build.info'; readonly message: string; readonly time: number };

/** What a finished build made. */
export interface BuildResult {
  /** The image id (config digest), `sha256:…`. */
  readonly imageId: string | undefined;
  /**
   * The manifest digest of the stored image (the pushed one when the build
   * pushes); a later `kiln push` of an image stored uncompressed sends a
   * gzip manifest with another digest (same image id).
   */
  readonly digest: string | undefined;
  /** The names the image was stored under. */
  readonly names: readonly string[];
  /**
   * BuildKit's exporter response, what `--metadata-file` writes:
   * `containerimage.digest`, `containerimage.config.digest`,
   * `containerimage.descriptor` (JSON) and `image.name` (comma-separated).
   */
  readonly metadata: Readonly<Record<string, string>>;
  /** Names pushed by `--push` / `type=registry`, with the manifest digest the registry now serves. */
  readonly pushed: readonly PushedName[];
  readonly stats: { readonly executed: number; readonly cached: number };
  readonly durationMs: number;
  /** Closing lines for people: what was built, how long it took, where it went. */
  readonly summary: readonly string[];
}

/**
 * A running build: read `events` to follow it; `result` settles when it ends
 * (and `events` then ends too). Reading `events` is optional: unread events
 * are kept until the build ends, then dropped with the run.
 */
export interface BuildRun {
  readonly events: AsyncIterable<BuildEvent>;
  readonly result: Promise<BuildResult>;
  /** The kiln root the build uses (`options.root`, else the default), e.g. for keeping step logs beside it. */
  readonly root: string;
}

/** The host's platform in OCI terms. */
export function hostPlatform(): Platform {
  return parsePlatform(`linux/${goArch(process.arch)}`);
}

/**
 * Builds a Dockerfile into an image: parse, convert to a build graph, solve it
 * (running steps in containers, reusing cached ones), then store the image
 * under its tags and write the requested outputs. The stored image keeps the
 * layers the build made uncompressed (as docker's image store), unless the
 * build pushes or `-o type=image` sets a compression; `kiln push`
 * compresses them when it sends the image. Everything it mounts or
 * starts is cleaned up when it ends, also on failure or cancellation.
 *
 * Errors: `DockerfileSyntaxError` (with file, line and column) for a bad
 * Dockerfile; {@link BuildError} for a failed step (the step, its Dockerfile
 * lines, its last output); `CanceledError` when `options.signal` aborts.
 */
export function build(options: BuildOptions): BuildRun {
  const queue = new EventQueue<BuildEvent>();
  const root = options.root ?? defaultKilnRoot();
  const result = runBuild({ ...options, root }, (e) => queue.push(e)).finally(() => queue.close());
  // The caller may read events first; the rejection is theirs through `result`, not an unhandled one.
  result.catch(() => undefined);
  return { events: queue, result, root };
}

async function runBuild(o: BuildOptions, emit: (event: BuildEvent) => void): Promise<BuildResult> {
  const started = Date.now();
  const host = hostPlatform();
  if (o.platform !== undefined && o.platform !== '' && formatPlatform(parsePlatform(o.platform)) !== formatPlatform(host)) {
    throw new UnsupportedError(`--platform ${o.platform}: kiln builds for the host platform (${formatPlatform(host)}) only, for now`);
  }
  // Outputs are checked before anything runs, so a bad -o or a nameless --push fails at once, not after the build.
  const outputs = [...(o.outputs ?? []), ...(o.push === true ? ['type=registry'] : [])].map((spec) => parseOutputSpec(spec));
  checkOutputs(outputs, { tags: o.tags ?? [], canPush: true });
  const dockerfile = await internalStep(emit, 'kiln:load-definition', `[internal] load build definition from ${path.basename(o.dockerfileName)}`, (log) => {
    log(`transferring dockerfile: ${formatSize(Buffer.byteLength(o.dockerfileText))} done\n`);
    return parseDockerfile(o.dockerfileText, { file: o.dockerfileName });
  });

  const root = o.root ?? defaultKilnRoot();
  const contentRoot = await openContentRoot(root);
  const held: { release(): Promise<void> }[] = [];
  let rootRef: Result | undefined;
  let exported: { release(): Promise<void> } | undefined;
  try {
    const { snapshotter } = await openSnapshotter({ root, db: contentRoot.db });
    const cache = openCacheManager({ root, contentRoot, snapshotter });
    const registry = new RegistryClient({ hosts: await loadKilnRegistryHosts() });
    const imageDeps = { images: contentRoot.images, content: contentRoot.content, leases: contentRoot.leases, registry };

    const dockerfilePath = o.dockerfilePath ?? path.join(o.contextDir, 'Dockerfile');
    const ignore = await internalStep(emit, 'kiln:load-dockerignore', '[internal] load .dockerignore', async (log) => {
      let size = 0;
      const read = await readIgnorePatterns(dockerfilePath, async (name, index) => {
        const text = await readIfExists(index === 0 ? name : path.join(o.contextDir, '.dockerignore'));
        size += text === undefined ? 0 : Buffer.byteLength(text);
        return text;
      });
      log(`transferring context: ${formatSize(size)} done\n`);
      return read;
    });
    let metadataSteps = 0;
    const epochText = o.buildArgs?.get('SOURCE_DATE_EPOCH') ?? process.env.SOURCE_DATE_EPOCH;
    const baseImages = new ResolvedBaseImages();
    const checks = () =>
      lintBuild(dockerfile, {
        file: o.dockerfileName,
        ...(o.target === undefined ? {} : { target: o.target }),
        ...(o.buildArgs === undefined ? {} : { buildArgs: o.buildArgs }),
        ignorePatterns: ignore.patterns,
        platform: host,
        images: baseImages,
      });
    const converted = await convertDockerfile(dockerfile, {
      file: o.dockerfileName,
      ...(o.target === undefined ? {} : { target: o.target }),
      ...(o.buildArgs === undefined ? {} : { buildArgs: o.buildArgs }),
      targetPlatform: host,
      buildPlatform: host,
      resolveImage: async (ref, platform) => {
        const digest = `kiln:load-metadata:${++metadataSteps}`;
        return internalStep(emit, digest, `[internal] load metadata for ${displayReference(ref)}`, async (_log, progress) => {
          // A pull happens here, so its blob transfers are this step's progress.
          const image = await resolveImage(imageDeps, ref, platform, {
            pull: o.pull === true,
            ...(o.signal === undefined ? {} : { signal: o.signal }),
            onProgress: (p) => progress(p.descriptor.digest, p.descriptor.digest, p.current, p.total),
          });
          baseImages.record(ref, image.config);
          return { ref: image.ref, digest: image.manifest.digest, config: image.config };
        });
      },
      noCache: o.noCache === true,
      noCacheFilter: o.noCacheFilter ?? [],
      network: buildNetwork(o.network),
      ...(o.labels === undefined ? {} : { labels: o.labels }),
      ignorePatterns: ignore.patterns,
      ...(epochText === undefined || o.buildArgs?.has('SOURCE_DATE_EPOCH') ? {} : { sourceDateEpoch: Number(epochText) }),
    }).catch((error: unknown) => {
      // BuildKit shows the checks' warnings made before a Dockerfile error, then the error.
      reportBuildLint(checks(), o.dockerfileName, emit);
      throw error;
    });
    const violation = reportBuildLint(checks(), o.dockerfileName, emit);
    if (violation !== undefined) throw violation;
    for (const w of converted.warnings) emit({ type: 'build.warning', message: w.message, time: Date.now(), ...(w.range === undefined ? {} : { range: w.range }) });

    const secrets = new Map<string, SecretSource>((o.secrets ?? []).map((s) => [s.id, s.src !== undefined ? { file: s.src } : { env: s.env ?? s.id }]));
    const worker = createWorker({
      cache,
      executor: new OciExecutor({ stateDir: path.join(root, 'executor') }),
      sources: sourceResolvers({ cache, db: contentRoot.db, images: imageDeps, contexts: new Map([['context', o.contextDir]]), held }),
      secrets,
      ...(o.ssh === undefined ? {} : { ssh: o.ssh }),
      platform: host,
    });
    checkEntitlements(converted.definition, allowedEntitlements(o));
    const solved = await solve(converted.definition, {
      resolver: worker,
      cacheStore: cacheStoreOf(cache.records),
      // Most steps wait on containers, not the CPU (a sleeping RUN holds its slot), so allow well more than the cores.
      concurrency: o.jobs ?? Math.max(8, 2 * os.availableParallelism()),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      onEvent: emit,
    });
    rootRef = solved.root;

    const exportDigest = 'kiln:export';
    const exportName = 'exporting to image';
    const exportStart = Date.now();
    emit({ type: 'vertex.started', digest: exportDigest, name: exportName, time: exportStart });
    const input = { root: rootRef as ImmutableRef | undefined, config: converted.image };
    // The frontend resolved it from the build-arg, the environment or the Dockerfile's own
    // `ARG SOURCE_DATE_EPOCH=…`; an empty value means none, as in BuildKit.
    const epoch = converted.sourceDateEpoch;
    let image: ExportedImage | undefined;
    let pushed: readonly PushedName[] = [];
    if (outputs.length > 0) {
      const done = await exportOutputs(
        input,
        outputs,
        {
          contentRoot,
          registry,
          onPushProgress: pushProgress(emit, exportDigest),
          ...(o.signal === undefined ? {} : { signal: o.signal }),
          ...(o.stdout === undefined ? {} : { stdout: o.stdout }),
        },
        { tags: o.tags ?? [], ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }) },
      );
      exported = done;
      image = done.image;
      pushed = done.pushed;
    }
    if (image === undefined) {
      // No image output asked for: the image is still made and stored (named by its tags, if any), as `docker build` does,
      // with its layers uncompressed as in docker's image store (`kiln push` compresses them).
      const options = storedImageOptions({}, { leavesStore: false });
      image = await exportImage(input, { contentRoot }, { ...options, names: o.tags ?? [], ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }) });
      const first = exported;
      const made = image;
      exported = { release: async () => { await first?.release(); await made.release(); } };
    }
    for (const w of image.warnings) emit({ type: 'vertex.warning', digest: exportDigest, message: w, time: Date.now() });
    for (const name of image.names) emit({ type: 'vertex.log', digest: exportDigest, stream: 'stdout', data: new TextEncoder().encode(`naming to ${name} done\n`), time: Date.now() });
    emit({ type: 'vertex.log', digest: exportDigest, stream: 'stdout', data: new TextEncoder().encode(`writing image ${image.imageId} done\n`), time: Date.now() });
    for (const p of pushed) emit({ type: 'vertex.log', digest: exportDigest, stream: 'stdout', data: new TextEncoder().encode(`pushing manifest for ${p.name}@${p.digest} done\n`), time: Date.now() });
    emit({ type: 'vertex.completed', digest: exportDigest, name: exportName, time: Date.now(), durationMs: Date.now() - exportStart });

    const durationMs = Date.now() - started;
    const steps = solved.stats.executed + solved.stats.cached;
    return {
      imageId: image.imageId,
      digest: image.digest,
      names: image.names,
      metadata: exporterResponse(image),
      pushed,
      stats: solved.stats,
      durationMs,
      summary: [
        `built in ${(durationMs / 1000).toFixed(1)}s: ${steps} steps, ${solved.stats.executed} run, ${solved.stats.cached} cached`,
        `image ${image.imageId}${image.names.length > 0 ? ` as ${image.names.join(', ')}` : ''}`,
        ...pushed.map((p) => `pushed ${p.name} (${p.digest})`),
      ],
    };
  } catch (error) {
    throw asBuildError(error);
  } finally {
    await rootRef?.release();
    for (const h of held) await h.release().catch(() => undefined);
    await exported?.release().catch(() => undefined);
    contentRoot.close();
  }
}

/**
 * A push's blob transfers as progress of the export step: one progress id per
 * blob (`pushing sha256:…`), bytes in `current`/`total`; blobs the registry
 * already had or mounted count as done at once.
 */
function pushProgress(emit: (event: BuildEvent) => void, digest: string): ProgressListener {
  return (p) => {
    const done = p.status === 'exists' || p.status === 'mounted' || p.status === 'done';
    const id = `pushing ${p.descriptor.digest.slice(0, 19)}`;
    emit({ type: 'vertex.progress', digest, id, name: id, current: done ? p.total : p.current, total: p.total, time: Date.now() });
  };
}

/** The entitlements of a build: `--allow`, plus `network.host` when the whole build asked for the host network. */
function allowedEntitlements(o: BuildOptions): Set<Entitlement> {
  const allowed = new Set<Entitlement>();
  for (const e of o.allow ?? []) {
    if (!(entitlements as readonly string[]).includes(e)) throw new InvalidArgumentError(`invalid --allow "${e}": expected ${entitlements.join(' or ')}`);
    allowed.add(e as Entitlement);
  }
  if (o.network === 'host') allowed.add('network.host');
  return allowed;
}

/** `kiln build --network`: the network RUN steps get unless they say otherwise. */
function buildNetwork(flag: string | undefined): 'sandbox' | 'host' | 'none' {
  if (flag === undefined || flag === '' || flag === 'default') return 'sandbox';
  if (flag === 'host' || flag === 'none') return flag;
  throw new InvalidArgumentError(`invalid --network "${flag}": expected default, none or host`);
}

/** A failed step's error as a {@link BuildError}: the step, its locations, its last output lines, and the cause's message. */
function asBuildError(error: unknown): unknown {
  if (!(error instanceof SolveError)) return error;
  const cause = error.cause;
  const lastLines = isExecError(cause) ? cause.lastLines : new TextDecoder().decode(error.outputTail).split('\n').filter((l) => l !== '').slice(-20);
  const message = cause instanceof Error ? cause.message : error.message;
  return new BuildError(message, { name: error.vertexName, digest: error.vertex, locations: error.locations }, lastLines, cause ?? error);
}

/** The cache manager's records as the solver's CacheStore: cache refs are solver results as they are. */
function cacheStoreOf(records: ReturnType<typeof openCacheManager>['records']): CacheStore {
  return {
    load: (key) => records.load(key),
    save: (key, results) => records.save(key, results as readonly ImmutableRef[]),
    lastParts: async (stableId) => (await records.lastParts(stableId)) as KeyParts | undefined,
    recordParts: (stableId, parts) => records.recordParts(stableId, parts),
  };
}

/** `busybox` → `docker.io/library/busybox:latest`, as BuildKit names metadata steps; the text as it is when it is no reference. */
function displayReference(ref: string): string {
  try {
    return referenceToString(normalizeReference(ref));
  } catch {
    return ref;
  }
}

/** Sizes as BuildKit's transfer lines print them: `2.34kB`. */
function formatSize(n: number): string {
  if (n < 1000) return `${n}B`;
  return n < 1_000_000 ? `${(n / 1000).toFixed(2)}kB` : `${(n / 1_000_000).toFixed(2)}MB`;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
