/**
 * The read-only view of a directory tree that follow-path resolution and
 * wildcard expansion need. The package stays pure: a walker backs this with
 * `node:fs`, tests with an in-memory tree. Paths are `/`-separated, relative
 * to the tree root (`.` is the root), and a symlink in the last element is
 * never followed.
 */

/** One directory entry as `lstat` sees it (a symlink to a directory is not a directory). */
export interface SourceDirEntry {
  readonly name: string;
  readonly isDir: boolean;
}

/** See the module comment for path rules. */
export interface TreeSource {
  /** The target of the symlink at `path`, or `undefined` when `path` is missing or not a symlink. */
  readlink(path: string): Promise<string | undefined> | string | undefined;
  /** The entries of directory `path` in any order, or `undefined` when it is missing or not a directory. */
  readdir(path: string): Promise<readonly SourceDirEntry[] | undefined> | readonly SourceDirEntry[] | undefined;
}
