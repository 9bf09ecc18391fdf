import fs from 'node:fs';
import test from 'ava';
import { exportOutputs, parseOutputSpec } from '@kiln/exporter';
import { RegistryClient } from '@kiln/registry';
import type { ImageConfig } from '@kiln/oci';
import { busyboxAvailable, fakeRef, hasTool, isRoot, layerFromScript, loadBusybox, tempRoot, tool } from './support/fixture.ts';
import { startRegistry } from '../../registry/test/support/registry-process.ts';

const ready = busyboxAvailable && isRoot && fs.existsSync('/usr/bin/docker-registry') && hasTool('skopeo');
const anonymous = async (): Promise<undefined> => undefined;

(ready ? test : test.skip)('type=registry pushes the image to every name and tag; skopeo reads it back from the registry', async (t) => {
  const registry = await startRegistry();
  t.teardown(() => registry.stop());
  const root = await tempRoot(t);
  const busybox = await loadBusybox(root);
  const added = await layerFromScript(t, root, `printf 'pushed\\n' > pushed.txt`);
  const ref = fakeRef(t, root, [...busybox.layers, added]);
  const config: ImageConfig = { ...busybox.config, history: [...(busybox.config.history ?? []), { created_by: 'COPY pushed.txt / # buildkit' }] };
  const client = new RegistryClient({ credentials: anonymous, retry: { baseDelayMs: 10 } });
  const name = `${registry.host}/team/app:1`;
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=registry,name=${name}`)], { contentRoot: root, registry: client }, { tags: [`${registry.host}/team/app:latest`] });
  t.teardown(() => result.release());
  for (const tag of ['1', 'latest']) {
    const inspected = JSON.parse(await tool('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/team/app:${tag}`])) as { Digest: string; Layers: string[] };
    t.is(inspected.Digest, result.image!.digest, tag);
    t.deepEqual(inspected.Layers, result.image!.layers.map((l) => l.descriptor.digest));
  }
  t.deepEqual(root.images.list().map((i) => i.name), [`${registry.host}/team/app:1`, `${registry.host}/team/app:latest`, 'docker.io/library/busybox:latest']);
});

test('a push without a registry client or without a name is refused before anything is made', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const noClient = await t.throwsAsync(exportOutputs({ root: undefined, config }, [parseOutputSpec('type=registry,name=r.example/app')], { contentRoot: root }));
  t.is((noClient as { code?: string }).code, 'Unsupported');
  const pusher = { push: async () => t.fail('nothing to push') };
  const noName = await t.throwsAsync(exportOutputs({ root: undefined, config }, [parseOutputSpec('type=registry')], { contentRoot: root, registry: pusher }));
  t.is((noName as { code?: string }).code, 'InvalidArgument');
  t.deepEqual(root.images.list(), []);
  t.deepEqual(root.leases.list(), []);
});
