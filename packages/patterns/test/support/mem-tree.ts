/**
 * An in-memory file tree built from corpus vectors, with the ports the
 * patterns package asks for (readlink/readdir) and a Go-style WalkDir, so walk
 * semantics are tested without touching the filesystem.
 */
import type { SourceDirEntry, TreeSource, WalkAction } from '@kiln/patterns';

export interface TreeEntryData {
  readonly path: string;
  readonly type: string; // 'file' | 'dir' | 'symlink'
  readonly target?: string;
  readonly data?: string;
}

export interface MemNode {
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink';
  readonly target: string | undefined;
  readonly data: string;
}

export class MemTree implements TreeSource {
  readonly nodes = new Map<string, MemNode>();
  readonly #children = new Map<string, Set<string>>([['.', new Set()]]);

  constructor(entries: readonly TreeEntryData[]) {
    for (const e of entries) {
      const type = e.type === 'dir' || e.type === 'symlink' ? e.type : 'file';
      this.#add({ path: e.path, type, target: e.target, data: e.data ?? '' });
    }
  }

  #add(node: MemNode): void {
    const slash = node.path.lastIndexOf('/');
    const parent = slash === -1 ? '.' : node.path.slice(0, slash);
    if (parent !== '.' && !this.nodes.has(parent)) this.#add({ path: parent, type: 'dir', target: undefined, data: '' });
    this.nodes.set(node.path, node);
    if (node.type === 'dir' && !this.#children.has(node.path)) this.#children.set(node.path, new Set());
    this.#children.get(parent)!.add(node.path.slice(slash + 1));
  }

  /** Sorted names in a directory, or undefined. */
  names(dir: string): string[] | undefined {
    const set = this.#children.get(dir);
    return set === undefined ? undefined : [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  readlink(path: string): string | undefined {
    const n = this.nodes.get(path);
    return n?.type === 'symlink' ? n.target : undefined;
  }

  readdir(path: string): SourceDirEntry[] | undefined {
    return this.names(path)?.map((name) => ({ name, isDir: this.nodes.get(join(path, name))?.type === 'dir' }));
  }

  /** Go `fs.WalkDir` below `root` (root not visited), lexical order; honours SkipDir for dirs and files. */
  walk(visit: (path: string, node: MemNode) => WalkAction, root = '.'): void {
    const walkDir = (dir: string): void => {
      for (const name of this.names(dir) ?? []) {
        const path = join(dir, name);
        const node = this.nodes.get(path)!;
        const action = visit(path, node);
        if (action === 'skip-dir') {
          if (node.type === 'dir') continue;
          return; // SkipDir on a file skips the rest of its directory
        }
        if (node.type === 'dir') walkDir(path);
      }
    };
    walkDir(root);
  }
}

export function join(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** fsutil filter_test listing line: `<kind> <path>`. */
export function listingLine(path: string, node: MemNode): string {
  const kind = node.type === 'symlink' ? `symlink:${node.target}` : node.type;
  return `${kind} ${path}`;
}
