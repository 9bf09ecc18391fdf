/**
 * `RUN --mount=[type=…][,key=value…]` (BuildKit's `commands_runmount.go`).
 * Field values may hold variables, so a mount is checked in two passes: at
 * parse time only its CSV shape and `from` (which must not vary) are checked;
 * at conversion {@link parseRunMount} expands every value and builds the mount.
 */
import { InstructionError } from './instruction-error.js';
import { parseCsvFields } from './csv-fields.js';
import { parseGoBool, parseGoUint32, parseRamInBytes } from './go-values.js';
import { withSuggestion } from './suggest.js';

/** The kinds of RUN mount. */
export const mountTypes = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
/** One of {@link mountTypes}. */
export type MountType = (typeof mountTypes)[number];

/** How concurrent builds share a cache mount. */
export const cacheSharingModes = ['shared', 'private', 'locked'] as const;
/** One of {@link cacheSharingModes}. */
export type CacheSharing = (typeof cacheSharingModes)[number];

/** A parsed, expanded `--mount`. Optional fields are absent when not given. */
export interface RunMount {
  readonly type: MountType;
  /** Stage, image or named context to take `source` from (bind, cache). */
  readonly from?: string;
  readonly source?: string;
  readonly target?: string;
  /** Defaults: read-only for bind, secret, ssh; writable for cache and tmpfs. */
  readonly readOnly: boolean;
  /** tmpfs size limit in **bytes**. */
  readonly sizeLimit?: number;
  /** `id`: the cache id, or the secret/ssh id. */
  readonly cacheId?: string;
  readonly cacheSharing?: CacheSharing;
  /** secret/ssh: fail when the client does not provide it. */
  readonly required: boolean;
  /** File mode (parsed as octal), uid and gid: cache, secret and ssh only. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** secret: expose the value in this environment variable. */
  readonly env?: string;
}

/** Expands variables in one field value (supplied by the converter). */
export type WordExpander = (word: string) => string;

const allKeys = [
  'type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'mode', 'uid', 'gid',
  'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'size', 'env',
];

/**
 * The parse-time check of a `--mount` value: well-formed CSV, and no
 * variable in `from`. Throws `InstructionError`.
 */
export function checkRunMountSyntax(text: string): void {
  for (const field of mountFields(text)) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    if (field.slice(0, eq).toLowerCase() === 'from' && /\$./.test(field.slice(eq + 1))) {
      throw new InstructionError("'from' doesn't support variable expansion, define alias stage instead");
    }
  }
}

/**
 * Builds the mount a `--mount` value describes, expanding each value with
 * `expand` (pass `(w) => w` when nothing is in scope). Throws
 * `InstructionError` with BuildKit's messages for unknown keys and types (with
 * suggestions), bad values, and options the type does not allow.
 */
export function parseRunMount(text: string, expand: WordExpander): RunMount {
  checkRunMountSyntax(text);
  const m: { -readonly [K in keyof RunMount]: RunMount[K] } = { type: 'bind', readOnly: false, required: false };
  let readOnlyDefault = true;
  for (const field of mountFields(text)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') m.readOnly = true;
      else if (key === 'readwrite' || key === 'rw') m.readOnly = false;
      else if (key === 'required' && (m.type === 'secret' || m.type === 'ssh')) m.required = true;
      else if (key === 'required') throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`);
      else throw new InstructionError(`invalid field '${field}' must be a key=value pair`);
      readOnlyDefault = key === 'required' ? readOnlyDefault : false;
      continue;
    }
    const value = expand(field.slice(eq + 1));
    const bool = (): boolean => {
      const parsed = parseGoBool(value);
      if (parsed === undefined) throw new InstructionError(`invalid value for ${key}: ${value}`);
      return parsed;
    };
    const uint = (base: 8 | 10, name: string): number => {
      const parsed = parseGoUint32(value, base);
      if (parsed === undefined) throw new InstructionError(`invalid value ${value} for ${name}`);
      return parsed;
    };
    switch (key) {
      case 'type': {
        const type = mountTypes.find((t) => t === value.toLowerCase());
        if (type === undefined) {
          throw new InstructionError(withSuggestion(`unsupported mount type ${JSON.stringify(value)}`, value, mountTypes, true));
        }
        m.type = type;
        break;
      }
      case 'from': m.from = value; break;
      case 'source': case 'src': m.source = value; break;
      case 'target': case 'dst': case 'destination': m.target = value; break;
      case 'readonly': case 'ro': m.readOnly = bool(); readOnlyDefault = false; break;
      case 'readwrite': case 'rw': m.readOnly = !bool(); readOnlyDefault = false; break;
      case 'required':
        if (m.type !== 'secret' && m.type !== 'ssh') throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`);
        m.required = bool();
        break;
      case 'size': {
        if (m.type !== 'tmpfs') throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`);
        const size = parseRamInBytes(value);
        if (size === undefined) throw new InstructionError(`invalid value for ${key}: ${value}`);
        m.sizeLimit = size;
        break;
      }
      case 'id': m.cacheId = value; break;
      case 'sharing': {
        const sharing = cacheSharingModes.find((s) => s === value.toLowerCase());
        if (sharing === undefined) {
          throw new InstructionError(withSuggestion(`unsupported sharing value ${JSON.stringify(value)}`, value, cacheSharingModes, true));
        }
        m.cacheSharing = sharing;
        break;
      }
      case 'mode': m.mode = uint(8, 'mode'); break;
      case 'uid': m.uid = uint(10, 'uid'); break;
      case 'gid': m.gid = uint(10, 'gid'); break;
      case 'env': m.env = value; break;
      default:
        throw new InstructionError(withSuggestion(`unexpected key '${key}' in '${field}'`, key, allKeys, true));
    }
  }
  return validateMount(m, readOnlyDefault);
}

function validateMount(m: { -readonly [K in keyof RunMount]: RunMount[K] }, readOnlyDefault: boolean): RunMount {
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const key of ['mode', 'uid', 'gid'] as const) {
      if (m[key] !== undefined) throw new InstructionError(`${key} not allowed for ${JSON.stringify(m.type)} type mounts`);
    }
  }
  if (readOnlyDefault) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== undefined && m.from !== '') throw new InstructionError('secret mount should not have a from');
    if (m.cacheSharing !== undefined) throw new InstructionError('secret mount should not define sharing');
    if (!m.source && !m.target && !m.cacheId && m.env === undefined) {
      throw new InstructionError('invalid secret mount. one of source, target required');
    }
    if (m.source && m.cacheId) throw new InstructionError("both source and id can't be set");
  }
  if (m.cacheSharing !== undefined && m.type !== 'cache') {
    throw new InstructionError(`invalid cache sharing set for ${m.type} mount`);
  }
  return m;
}

function mountFields(text: string): string[] {
  try {
    return parseCsvFields(text);
  } catch (error) {
    throw new InstructionError(`failed to parse csv mounts: ${(error as Error).message}`, undefined, { cause: error });
  }
}
