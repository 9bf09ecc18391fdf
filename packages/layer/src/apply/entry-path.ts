import { InvalidArgumentError } from '@kiln/errors';

/** What a tar entry name means once checked. */
export type EntryTarget =
  | { readonly kind: 'path'; readonly components: readonly string[] }
  | { readonly kind: 'whiteout'; readonly components: readonly string[] }
  | { readonly kind: 'opaque'; readonly components: readonly string[] };

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/**
 * Splits a tar entry name into path components below the root. Leading `/`
 * and `./` are dropped (an absolute name means "from the root", as GNU tar
 * and containerd treat it); empty and `.` components vanish. Whiteout names
 * become `whiteout` (the components of the removed path) or `opaque` (those of
 * the directory). The root itself is `{ kind: 'path', components: [] }`.
 *
 * @throws InvalidArgumentError for `..` components, NUL bytes, `.wh.` in a
 *   directory component, or a whiteout of nothing / of `.` or `..`.
 */
export function parseEntryName(name: string): EntryTarget {
  if (name.includes('\0')) throw new InvalidArgumentError(`layer entry ${JSON.stringify(name)}: names cannot contain NUL`);
  const components = name.split('/').filter((c) => c !== '' && c !== '.');
  if (components.includes('..')) {
    throw new InvalidArgumentError(`layer entry ${JSON.stringify(name)}: ".." components are not allowed in a layer`);
  }
  const last = components.at(-1);
  if (components.slice(0, -1).some((c) => c.startsWith(whiteoutPrefix))) {
    throw new InvalidArgumentError(`layer entry ${JSON.stringify(name)}: a whiteout name can only be the last component`);
  }
  if (last === undefined || !last.startsWith(whiteoutPrefix)) return { kind: 'path', components };
  const parent = components.slice(0, -1);
  if (last === opaqueMarker) return { kind: 'opaque', components: parent };
  const removed = last.slice(whiteoutPrefix.length);
  if (removed === '' || removed === '.' || removed === '..') {
    throw new InvalidArgumentError(`layer entry ${JSON.stringify(name)}: whiteout of ${JSON.stringify(removed)} is meaningless`);
  }
  return { kind: 'whiteout', components: [...parent, removed] };
}
