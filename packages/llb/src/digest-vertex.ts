import type { Digest } from '@kiln/oci';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex, utf8 } from './sha256.js';
import type { Vertex } from './vertex.js';

/** The digest of a vertex: sha256 of the canonical JSON of its op, inputs and platform. */
export function digestVertex(vertex: Vertex): Digest {
  const encoded = canonicalJson({ op: vertex.op, inputs: vertex.inputs, platform: vertex.platform });
  return `sha256:${sha256Hex(utf8(encoded))}` as Digest;
}

/** sha256 of the canonical JSON of any plain value, as a digest: for cache keys made of several parts. */
export function digestOf(value: unknown): Digest {
  return `sha256:${sha256Hex(utf8(canonicalJson(value)))}` as Digest;
}
