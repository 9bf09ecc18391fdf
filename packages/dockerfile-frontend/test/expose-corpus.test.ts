// BuildKit's EXPOSE port-spec vectors (dockerfile2llb/expose-vectors.json), one ava test per case.
import test from 'ava';
import { parsePortSpec, parsePortSpecs } from '@kiln/dockerfile-frontend';
import { exposeVectors as vectors } from './support.ts';

if (vectors === undefined) {
  test.skip('dockerfile2llb corpus absent: expose-vectors.json', (t) => t.pass());
} else {
  for (const c of vectors.parsePort) {
    test(`parsePort: ${JSON.stringify(c.spec)} ${c.error === undefined ? `gives ${c.expected?.join(' ')}` : 'fails'}`, (t) => {
      if (c.error !== undefined) {
        const error = t.throws(() => parsePortSpec(c.spec));
        t.is(error?.message, c.error);
      } else {
        t.deepEqual(parsePortSpec(c.spec), c.expected);
      }
    });
  }
  for (const c of vectors.parsePorts) {
    test(`parsePorts: ${c.specs.join(' ')} ${c.error === true ? 'fails' : 'gives the container ports'}`, (t) => {
      if (c.error === true) t.throws(() => parsePortSpecs(c.specs));
      else t.deepEqual([...parsePortSpecs(c.specs)].sort(), [...(c.expected ?? [])].sort());
    });
  }
}
