import test from 'ava';
import { parseOutputSpec, type OutputSpec } from '@kiln/exporter';

const parsed: ReadonlyArray<readonly [string, OutputSpec]> = [
  ['out', { type: 'local', dest: 'out' }],
  ['./dir with spaces', { type: 'local', dest: './dir with spaces' }],
  // buildx: one field not starting with type= is a directory, even with an equals sign in it.
  ['a=b', { type: 'local', dest: 'a=b' }],
  ['-', { type: 'tar', dest: '-' }],
  ['type=local,dest=out', { type: 'local', dest: 'out' }],
  ['type=tar,dest=-', { type: 'tar', dest: '-' }],
  ['TYPE=tar,Dest=t.tar', { type: 'tar', dest: 't.tar' }],
  ['type=oci,dest=out.tar', { type: 'oci', dest: 'out.tar', tar: true, names: [], image: {} }],
  ['type=oci,dest=layout,tar=false', { type: 'oci', dest: 'layout', tar: false, names: [], image: {} }],
  ['type=oci,dest=o.tar,tar=T', { type: 'oci', dest: 'o.tar', tar: true, names: [], image: {} }],
  ['type=docker,dest=d.tar,name=app:1', { type: 'docker', dest: 'd.tar', names: ['app:1'], image: {} }],
  ['type=oci,dest=o.tar,"name=a:1,b:2"', { type: 'oci', dest: 'o.tar', tar: true, names: ['a:1', 'b:2'], image: {} }],
  ['type=image,name=app', { type: 'image', push: false, store: true, names: ['app'], image: {} }],
  ['type=registry,name=reg/app', { type: 'image', push: true, store: true, names: ['reg/app'], image: {} }],
  ['type=registry,name=reg/app,push=false', { type: 'image', push: false, store: true, names: ['reg/app'], image: {} }],
  [
    'type=oci,dest=o.tar,compression=zstd,oci-mediatypes=false,rewrite-timestamp=true,annotation.org.example=x,annotation-manifest.a=b',
    {
      type: 'oci', dest: 'o.tar', tar: true, names: [],
      image: { compression: 'zstd', mediaTypes: 'docker', rewriteTimestamp: true, annotations: { 'org.example': 'x', a: 'b' } },
    },
  ],
  ['type=oci,"dest=quoted ""name"".tar"', { type: 'oci', dest: 'quoted "name".tar', tar: true, names: [], image: {} }],
];

for (const [text, expected] of parsed) {
  test(`parseOutputSpec(${JSON.stringify(text)})`, (t) => {
    t.deepEqual(parseOutputSpec(text), expected);
  });
}

const refused: ReadonlyArray<readonly [string, RegExp]> = [
  ['', /expected a directory, "-" or type=/],
  ['type=foo,dest=x', /output "type=foo,dest=x": unknown output type "foo" \(expected one of image, oci, docker, local, tar, registry\)/],
  ['dest=x,tar=false', /type is required/],
  ['type=local', /output "type=local": dest is required \(a directory\)/],
  ['type=local,dest=-', /type=local writes a directory; use type=tar/],
  ['type=tar', /dest is required \(a file or "-"\)/],
  ['type=oci', /dest is required/],
  ['type=oci,dest=-,tar=false', /tar=false writes a directory, which cannot go to standard output/],
  ['type=docker', /dest is required .*no docker daemon/],
  ['type=oci,dest=o.tar,tar=maybe', /tar must be true or false, got "maybe"/],
  ['type=oci,dest=o.tar,compression=brotli', /compression must be one of gzip, zstd, uncompressed, got "brotli"/],
  ['type=local,dest=out,tar=false', /unknown option "tar" for type=local \(known: dest\)/],
  ['type=oci,dest=o.tar,platform-split=true', /unknown option "platform-split" for type=oci/],
  ['type=oci,dest=o.tar,annotation.=x', /unknown option "annotation\."/],
  ['type=oci,novalue', /expected key=value, got "novalue"/],
  ['type=oci,"dest=o.tar', /quoted field that starts at column 10 is never closed/],
  ['type=oci,dest=a"b', /a quote at column 16 inside an unquoted field/],
  ['type=oci,"dest=a"x', /expected a comma after the quoted field at column 18, got "x"/],
];

for (const [text, message] of refused) {
  test(`parseOutputSpec refuses ${JSON.stringify(text)}`, (t) => {
    const error = t.throws(() => parseOutputSpec(text));
    t.is((error as { code?: string }).code, 'InvalidArgument');
    t.regex(error!.message, message);
  });
}
