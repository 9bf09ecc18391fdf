import { Readable, pipeline, type Transform } from 'node:stream';

/**
 * Runs `source` through a Node transform and returns the transform to
 * iterate. An error on either side ends the iteration with that error;
 * stopping the iteration early tears both down.
 */
export function through(source: AsyncIterable<Uint8Array>, transform: Transform): AsyncIterable<Buffer> {
  // Errors reach the reader through the destroyed transform; the callback has nothing left to do.
  pipeline(Readable.from(source, { objectMode: false }), transform, () => {});
  return transform;
}
