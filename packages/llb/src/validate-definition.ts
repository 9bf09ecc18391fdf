import { InvalidArgumentError } from '@kiln/errors';
import type { Digest } from '@kiln/oci';
import { digestVertex } from './digest-vertex.js';
import type { Definition, Vertex } from './vertex.js';

/** The number of outputs a vertex has: one per exec mount with an output, one per file action with an output, else one. */
export function outputCount(vertex: Vertex): number {
  const op = vertex.op;
  if (op.type === 'exec') return op.mounts.reduce((n, m) => Math.max(n, m.output + 1), 0);
  if (op.type === 'file') return op.actions.reduce((n, a) => Math.max(n, a.output + 1), 0);
  return 1;
}

/**
 * Checks that `definition` is well formed: every digest matches its vertex,
 * every input names an earlier vertex and one of its outputs, indexes inside
 * exec mounts and file actions are in range, and the root exists. Throws
 * InvalidArgumentError saying what is wrong; returns the definition otherwise.
 */
export function validateDefinition(definition: Definition): Definition {
  const seen = new Map<Digest, Vertex>();
  for (const { digest, vertex } of definition.vertices) {
    const actual = digestVertex(vertex);
    if (actual !== digest) throw new InvalidArgumentError(`vertex ${digest} has digest ${actual}: its op, inputs or platform were changed`);
    if (seen.has(digest)) throw new InvalidArgumentError(`vertex ${digest} appears twice`);
    for (const input of vertex.inputs) {
      const producer = seen.get(input.digest);
      if (producer === undefined) throw new InvalidArgumentError(`vertex ${digest} uses ${input.digest}, which does not come before it`);
      if (input.output < 0 || input.output >= outputCount(producer)) throw new InvalidArgumentError(`vertex ${digest} uses output ${input.output} of ${input.digest}, which has ${outputCount(producer)}`);
    }
    const op = vertex.op;
    const n = vertex.inputs.length;
    if (op.type === 'exec') {
      if (!op.mounts.some((m) => m.dest === '/')) throw new InvalidArgumentError(`exec vertex ${digest} has no root mount`);
      for (const m of op.mounts) if (m.input < -1 || m.input >= n) throw new InvalidArgumentError(`exec vertex ${digest}: mount ${m.dest} uses input ${m.input} of ${n}`);
    }
    if (op.type === 'file') {
      op.actions.forEach((a, i) => {
        for (const idx of [a.input, a.secondaryInput]) {
          if (idx < -1 || idx >= n + i) throw new InvalidArgumentError(`file vertex ${digest}: action ${i} uses index ${idx}, beyond its ${n} inputs and ${i} earlier actions`);
        }
      });
    }
    if (op.type === 'source' && n !== 0) throw new InvalidArgumentError(`source vertex ${digest} has inputs`);
    seen.set(digest, vertex);
  }
  if (definition.root !== undefined && !seen.has(definition.root.digest)) throw new InvalidArgumentError(`root ${definition.root.digest} is not in the definition`);
  return definition;
}
