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
      image: {
        compression: 'zstd', mediaTypes: 'docker', rewriteTimestamp: true,
        annotations: [{ kind: 'manifest', key: 'org.example', value: 'x' }, { kind: 'manifest', key: 'a', value: 'b' }],
      },
    },
  ],
  [
    'type=image,name=r/app,compression-level=9,force-compression=true,annotation-manifest-descriptor.Org.Title=T,annotation-index[linux/x86_64].i=1,annotation[linux/arm64/v8].m=2',
    {
      type: 'image', push: false, store: true, names: ['r/app'],
      image: {
        compressionLevel: 9, forceCompression: true,
        annotations: [
          { kind: 'manifest-descriptor', key: 'Org.Title', value: 'T' },
          { kind: 'index', platform: 'linux/amd64', key: 'i', value: '1' },
          { kind: 'manifest', platform: 'linux/arm64', key: 'm', value: '2' },
        ],
      },
    },
  ],
  ['type=oci,dest=o.tar,compression=zstd,compression-level=0', { type: 'oci', dest: 'o.tar', tar: true, names: [], image: { compression: 'zstd' } }],
  ['type=oci,dest=o.tar,compression=uncompressed,compression-level=7', { type: 'oci', dest: 'o.tar', tar: true, names: [], image: { compression: 'uncompressed' } }],
  ['type=local,dest=out,mode=delete,platform-split=false', { type: 'local', dest: 'out', mode: 'delete', platformSplit: false }],
  ['type=tar,dest=t.tar,platform-split=true', { type: 'tar', dest: 't.tar' }],
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
  ['type=local,dest=out,tar=false', /unknown option "tar" for type=local \(known: dest, mode, platform-split\)/],
  ['type=local,dest=out,mode=move', /mode must be copy or delete, got "move"/],
  ['type=local,dest=out,annotation.a=b', /unknown option "annotation.a" for type=local/],
  ['type=oci,dest=o.tar,compression-level=10', /compression-level for gzip must be 0 to 9, got 10/],
  ['type=oci,dest=o.tar,compression=zstd,compression-level=23', /compression-level for zstd must be 0 to 22, got 23/],
  ['type=oci,dest=o.tar,compression-level=fast', /compression-level must be an integer, got "fast"/],
  ['type=oci,dest=o.tar,force-compression=yes', /force-compression must be true or false, got "yes"/],
  ['type=oci,dest=o.tar,annotation[linux/amd64/v8/x].k=v', /invalid platform "linux\/amd64\/v8\/x"/],
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
