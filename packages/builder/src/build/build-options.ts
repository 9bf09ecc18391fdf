/** A `--secret` source, as buildx parses it: a file, or an environment variable. */
export interface BuildSecret {
  readonly id: string;
  readonly src?: string;
  readonly env?: string;
}

/** Everything a build takes; the CLI's flags map onto these one to one. */
export interface BuildOptions {
  /** The build context directory. */
  readonly contextDir: string;
  /** The Dockerfile's text. */
  readonly dockerfileText: string;
  /** The Dockerfile's name as the user gave it, for messages (`Dockerfile`, `docker/app.Dockerfile`). */
  readonly dockerfileName: string;
  /** The Dockerfile's path on disk when it has one, for `NAME.dockerignore` beside it. */
  readonly dockerfilePath?: string;
  /** `-t` names. */
  readonly tags?: readonly string[];
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly labels?: ReadonlyMap<string, string>;
  readonly target?: string;
  /** `--no-cache`: reuse no step. */
  readonly noCache?: boolean;
  /** `--no-cache-filter`: stages whose steps are not reused. */
  readonly noCacheFilter?: readonly string[];
  /** `--pull`: resolve base images in the registry even when kiln's store has them. */
  readonly pull?: boolean;
  /** `-o` specs in buildx's syntax (`type=oci,dest=out.tar`). */
  readonly outputs?: readonly string[];
  /** `--push`: buildx's shorthand for one more output, `type=registry` (push to every `-t` name). */
  readonly push?: boolean;
  readonly secrets?: readonly BuildSecret[];
  /**
   * `--ssh`: SSH agent sockets by id for `RUN --mount=type=ssh` (`default`
   * is the one mounts without an id use), as host paths of unix sockets.
   */
  readonly ssh?: ReadonlyMap<string, string>;
  /** Default network of RUN steps: `default` (isolated), `none` or `host`. */
  readonly network?: string;
  /**
   * `--allow`: entitlements steps may use (`network.host` for `RUN
   * --network=host`, `security.insecure` for `RUN --security=insecure`).
   * `network: 'host'` for the whole build implies `network.host`.
   */
  readonly allow?: readonly string[];
  /** `--platform`; only the host's platform is supported for now. */
  readonly platform?: string;
  /** Steps run at once. Default: twice the cores, at least 8 (steps mostly wait on their containers). */
  readonly jobs?: number;
  /** KILN_ROOT; default `defaultKilnRoot()`. */
  readonly root?: string;
  readonly signal?: AbortSignal;
  /** Where `type=tar,dest=-` and similar outputs write; default process.stdout. */
  readonly stdout?: NodeJS.WritableStream;
}
