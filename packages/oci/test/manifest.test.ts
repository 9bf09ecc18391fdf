import test from 'ava';
import {
  MediaType, convertMediaType, parseImageConfig, parseImageIndex, parseImageManifest, parseManifestDocument, serializeImageConfig,
  serializeImageIndex, serializeImageManifest,
} from '@kiln/oci';

const d = (c: string): string => `sha256:${c.repeat(64)}`;

const dockerManifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaType.dockerManifest,
  config: { mediaType: MediaType.dockerConfig, size: 1469, digest: d('a') },
  layers: [{ mediaType: MediaType.dockerLayerGzip, size: 2814446, digest: d('b') }],
});

test('a Docker schema 2 manifest is read, and written back as OCI by default', (t) => {
  const m = parseImageManifest(dockerManifest);
  t.is(m.mediaType, MediaType.dockerManifest);
  t.is(m.layers[0]!.size, 2814446);
  t.is(
    serializeImageManifest(m),
    `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":{"mediaType":"${MediaType.ociConfig}","digest":"${d('a')}","size":1469},"layers":[{"mediaType":"${MediaType.ociLayerGzip}","digest":"${d('b')}","size":2814446}]}`,
  );
});

test('Docker media types are written on request', (t) => {
  const oci = parseImageManifest(serializeImageManifest(parseImageManifest(dockerManifest)));
  const docker = JSON.parse(serializeImageManifest(oci, { mediaTypes: 'docker' }));
  t.is(docker.mediaType, MediaType.dockerManifest);
  t.is(docker.config.mediaType, MediaType.dockerConfig);
  t.is(docker.layers[0].mediaType, MediaType.dockerLayerGzip);
  t.is(convertMediaType(MediaType.ociEmpty, 'docker'), MediaType.ociEmpty);
});

test('an untyped OCI manifest is recognised by its shape, and indented output matches Go MarshalIndent', (t) => {
  const m = parseImageManifest(JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('c'), size: 2 }, layers: [], annotations: { b: '2', a: '<&>' } }));
  t.is(m.mediaType, MediaType.ociManifest);
  t.is(
    serializeImageManifest(m, { indent: 2 }),
    `{\n  "schemaVersion": 2,\n  "mediaType": "${MediaType.ociManifest}",\n  "config": {\n    "mediaType": "${MediaType.ociConfig}",\n    "digest": "${d('c')}",\n    "size": 2\n  },\n  "layers": [],\n  "annotations": {\n    "a": "\\u003c\\u0026\\u003e",\n    "b": "2"\n  }\n}`,
  );
});

test('an unknown media type is reported by name', (t) => {
  const text = dockerManifest.replace(MediaType.dockerManifest, 'application/vnd.example+json');
  const error = t.throws(() => parseImageManifest(text));
  t.is((error as { code?: string }).code, 'InvalidArgument');
  t.regex(error!.message, /unsupported media type "application\/vnd\.example\+json"/);
});

test('a Docker schema 1 manifest is refused as unsupported', (t) => {
  const error = t.throws(() => parseManifestDocument('{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}'));
  t.is((error as { code?: string }).code, 'Unsupported');
});

test('malformed fields name their path and quote the value', (t) => {
  t.throws(() => parseImageManifest(dockerManifest.replace('2814446', '-1')), { message: 'manifest.layers[0].size: expected a non-negative integer, got -1' });
  t.throws(() => parseImageManifest(dockerManifest.replace(d('b'), 'sha256:xyz')), { message: /invalid digest "sha256:xyz"/ });
  t.throws(() => parseImageManifest('{"schemaVersion":2,'), { message: /manifest: expected JSON, got "\{\\"schemaVersion\\":2,"/ });
  t.throws(() => parseImageManifest(dockerManifest, MediaType.ociManifest), { message: /the document says .* but it was fetched as/ });
});

test('a Docker manifest list and an OCI index are read and told apart from manifests', (t) => {
  const list = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: [
      { mediaType: MediaType.dockerManifest, digest: d('1'), size: 528, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
      { mediaType: MediaType.dockerManifest, digest: d('2'), size: 528, platform: { architecture: 'amd64', os: 'linux' } },
    ],
  });
  const doc = parseManifestDocument(list);
  t.is(doc.kind, 'index');
  const index = parseImageIndex(list);
  t.deepEqual(index.manifests[0]!.platform, { architecture: 'arm', os: 'linux', variant: 'v7' });
  const oci = JSON.parse(serializeImageIndex(index));
  t.is(oci.mediaType, MediaType.ociIndex);
  t.is(oci.manifests[1].mediaType, MediaType.ociManifest);
  t.is(parseManifestDocument(dockerManifest).kind, 'manifest');
  t.throws(() => parseImageManifest(list), { message: /unsupported media type/ });
});

const config = {
  created: '2024-01-02T03:04:05Z',
  architecture: 'arm64',
  os: 'linux',
  variant: 'v8',
  config: {
    User: 'app',
    ExposedPorts: { '8080/tcp': {}, '80/tcp': {} },
    Env: ['PATH=/usr/bin', 'A=<b>'],
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['echo hi && true'],
    Volumes: { '/data': {} },
    WorkingDir: '/app',
    Labels: { z: '1', a: '2' },
    StopSignal: 'SIGTERM',
    Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 },
    OnBuild: ['RUN echo'],
    Shell: ['/bin/bash', '-c'],
  },
  rootfs: { type: 'layers', diff_ids: [d('3'), d('4')] },
  history: [
    { created: '2024-01-02T03:04:05Z', created_by: 'ADD rootfs.tar /' },
    { created_by: 'ENV A=b', empty_layer: true },
    { created_by: 'RUN make', comment: 'buildkit.dockerfile.v0' },
  ],
  container_config: { Hostname: 'dropped' },
};

test('an image config round-trips every modelled field, sorted and escaped like Go', (t) => {
  const parsed = parseImageConfig(JSON.stringify(config));
  t.deepEqual(parsed.config?.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 });
  t.true(parsed.history![1]!.empty_layer);
  const text = serializeImageConfig(parsed);
  t.true(text.includes('"ExposedPorts":{"80/tcp":{},"8080/tcp":{}}'));
  t.true(text.includes('"Labels":{"a":"2","z":"1"}'));
  t.true(text.includes('"Cmd":["echo hi \\u0026\\u0026 true"]'));
  t.false(text.includes('container_config'));
  t.true(text.startsWith('{"created":"2024-01-02T03:04:05Z","architecture":"arm64","os":"linux","variant":"v8","config":{"User":"app",'));
  t.deepEqual(parseImageConfig(text), parsed);
});

test('a config whose history disagrees with its layers is refused', (t) => {
  const broken = { ...config, rootfs: { type: 'layers', diff_ids: [d('3')] } };
  t.throws(() => parseImageConfig(JSON.stringify(broken)), { message: 'config.history: 2 entries have layers but rootfs.diff_ids lists 1 layers' });
  t.throws(() => parseImageConfig(JSON.stringify({ ...config, rootfs: { type: 'zfs' } })), { message: 'config.rootfs.type: expected "layers", got "zfs"' });
});

test('a minimal config writes an empty config object, as Go does', (t) => {
  const text = serializeImageConfig(parseImageConfig('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'));
  t.is(text, '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
});
