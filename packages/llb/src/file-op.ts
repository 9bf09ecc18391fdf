/** An owner: a numeric id or a name resolved in the destination's /etc/passwd (user) or /etc/group (group). */
export type FileOwnerId = { readonly id: number } | { readonly name: string };

/** `--chown=user[:group]`. */
export interface FileOwner {
  readonly user?: FileOwnerId;
  readonly group?: FileOwnerId;
}

/** Copies from `secondaryInput` (the source tree) into `input` (the destination tree). */
export interface FileCopy {
  readonly kind: 'copy';
  /** Path in the source tree; may hold wildcards when `allowWildcard`. */
  readonly src: string;
  /** Path in the destination tree; a trailing `/` means "into this directory". */
  readonly dest: string;
  readonly owner?: FileOwner;
  /** `--chmod`: octal number, or a symbolic mode such as `u+x,go=r`. */
  readonly mode?: number | string;
  readonly followSymlink: boolean;
  /** Copy a directory's contents rather than the directory (COPY's semantics). */
  readonly dirCopyContents: boolean;
  /** ADD: extract a local tar archive (any compression) instead of copying it. */
  readonly attemptUnpackDockerCompatibility: boolean;
  readonly createDestPath: boolean;
  readonly allowWildcard: boolean;
  readonly allowEmptyWildcard: boolean;
  /** Set every copied file's mtime to this (seconds since the epoch). */
  readonly timestamp?: number;
  readonly includePatterns?: readonly string[];
  readonly excludePatterns?: readonly string[];
  /** A directory in the destination is replaced by a file of the same name instead of failing. */
  readonly alwaysReplaceExistingDestPaths: boolean;
  /** COPY --parents: keep the source's parent directories below the destination. */
  readonly parents?: boolean;
}

/** Makes a directory. */
export interface FileMkdir {
  readonly kind: 'mkdir';
  readonly path: string;
  readonly mode: number;
  readonly makeParents: boolean;
  readonly owner?: FileOwner;
  readonly timestamp?: number;
}

/** Writes a file with the given content (COPY of a heredoc). */
export interface FileMkfile {
  readonly kind: 'mkfile';
  readonly path: string;
  readonly mode: number;
  /** The content, as UTF-8 text. */
  readonly data: string;
  readonly owner?: FileOwner;
  readonly timestamp?: number;
}

/** Removes a path. */
export interface FileRm {
  readonly kind: 'rm';
  readonly path: string;
  readonly allowNotFound: boolean;
  readonly allowWildcard: boolean;
}

/** Makes a symbolic link. */
export interface FileSymlink {
  readonly kind: 'symlink';
  readonly oldpath: string;
  readonly newpath: string;
  readonly owner?: FileOwner;
  readonly timestamp?: number;
}

/**
 * One action of a file op. Indexes refer, as in BuildKit, to the vertex's
 * inputs when below `inputs.length`, to the result of action
 * `i - inputs.length` of this op when at or above it, and to an empty tree
 * when -1. `output` is the vertex output the action's result becomes, or -1
 * when it only feeds later actions.
 */
export interface FileAction {
  readonly input: number;
  readonly secondaryInput: number;
  readonly output: number;
  readonly action: FileCopy | FileMkdir | FileMkfile | FileRm | FileSymlink;
}

/** A sequence of filesystem actions (COPY, ADD, WORKDIR's mkdir). */
export interface FileOp {
  readonly type: 'file';
  readonly actions: readonly FileAction[];
}

/** Stacks its inputs' filesystems in order, later over earlier (COPY --link). One output. */
export interface MergeOp {
  readonly type: 'merge';
}
