/**
 * A source: where a build's bytes come from. The identifier's scheme says
 * which kind, as in BuildKit:
 * - `docker-image://docker.io/library/busybox:latest[@sha256:…]` — an image's root filesystem;
 * - `local://context` (or another name) — files from the client (the build context);
 * - `https://host/path` and `http://…` — one downloaded file (ADD of a URL);
 * - `oci-layout://STORE@sha256:…` — an image from an OCI layout (named contexts).
 * The one output is a filesystem.
 */
export interface SourceOp {
  readonly type: 'source';
  readonly identifier: string;
  /** Scheme-specific options; all strings, so the encoding stays canonical. See {@link SourceAttr}. */
  readonly attrs: Readonly<Record<string, string>>;
}

/** Well-known source attributes (BuildKit's names where BuildKit has one). */
export const SourceAttr = {
  /** local: JSON array of patterns of the files to include (relative to the context root). */
  localIncludePatterns: 'local.includepattern',
  /** local: JSON array of exclude patterns (.dockerignore plus COPY --exclude). */
  localExcludePatterns: 'local.excludepatterns',
  /** local: JSON array of paths whose symlinks are followed. */
  localFollowPaths: 'local.followpaths',
  /** local: a key that lets sessions share a transfer cache. */
  localSharedKeyHint: 'local.sharedkeyhint',
  /** local: a content digest of the selected files, computed by the client so the definition changes when they do. */
  localContentDigest: 'local.contentdigest',
  /** docker-image: `default` | `pull` | `local` — whether to resolve the tag again. */
  imageResolveMode: 'image.resolvemode',
  /** docker-image: the platform to select from an index, `os/arch[/variant]`. */
  imagePlatform: 'image.platform',
  /** http: expected `sha256:…` of the downloaded file (ADD --checksum). */
  httpChecksum: 'http.checksum',
  /** http: the file name to write (default: from the URL or Content-Disposition). */
  httpFilename: 'http.filename',
  /** http: octal mode of the written file. */
  httpPerm: 'http.perm',
  /** http: owner uid and gid of the written file. */
  httpUid: 'http.uid',
  httpGid: 'http.gid',
} as const;
