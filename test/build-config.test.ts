// kiln build end to end: ARG scoping, predefined and proxy args, ENV/WORKDIR/USER/SHELL, ONBUILD, --target,
// FROM scratch/stage/image and the image config and history BuildKit writes, checked on the saved image.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { buildImage, busyboxEnv, entryAt, fileAt, instructionSteps, writeContext } from './support/build-cli.ts';
import { makeBusyboxLayout, type KilnEnv } from './support/images-cli.ts';

let work: string;
let k: KilnEnv;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-config-'));
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  k = busyboxEnv(path.join(work, 'env'), layout);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;

const kitchenSink = `# syntax=docker/dockerfile:1.7
ARG BASE=nothing-by-default
ARG GLOBAL_ONLY=global
ARG VERSION=1.0
FROM \${BASE} AS base
ARG VERSION
ENV APP_VERSION=\${VERSION} GLOBAL_SEEN=[\${GLOBAL_ONLY}]
WORKDIR /app
RUN echo "$APP_VERSION|$GLOBAL_ONLY|$TARGETARCH|$HTTP_PROXY" > args.txt
ARG TARGETPLATFORM
ARG TARGETOS
ARG TARGETARCH
ARG BUILDPLATFORM
ARG TARGETSTAGE
RUN echo "$TARGETPLATFORM $TARGETOS $TARGETARCH $BUILDPLATFORM $TARGETSTAGE" > platform.txt
ONBUILD RUN echo triggered > /onbuild.txt

FROM scratch AS unused
RUN this-never-runs

FROM base AS final
USER nobody
SHELL ["/bin/sh", "-ec"]
RUN whoami > /tmp/who.txt; id -u >> /tmp/who.txt; echo "$0 $-" > /tmp/shell.txt
WORKDIR sub
LABEL org.example.a="1" b=two
EXPOSE 8080 53/udp
VOLUME /data
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=5s --timeout=2s --retries=3 CMD wget -q localhost || exit 1
CMD ["serve"]
ENTRYPOINT ["/bin/app"]

FROM final AS after
RUN exit 3
`;

test.serial('a multi-stage build writes BuildKit\'s config, history and tree; only the --target stage and what it needs run', (t) => {
  const context = writeContext(path.join(work, 'sink'), { Dockerfile: kitchenSink });
  const image = buildImage(k, context, work, ['--target', 'final', '--build-arg', 'BASE=busybox', '--build-arg', 'VERSION=2.5', '--build-arg', 'HTTP_PROXY=http://proxy.invalid:3128']);

  // `# syntax=` is accepted, with one line saying the built-in frontend serves it.
  t.is(image.run.stderr.split('\n').filter((l) => l.includes('# syntax=')).length, 1);
  t.regex(image.run.stderr, /# syntax=docker\/dockerfile:1\.7 .*built-in/);
  // Stages the target does not need never run: neither `unused` nor the broken `after`.
  const names = instructionSteps(image.run.stderr).map((s) => s.name);
  t.false(names.some((n) => n.includes('this-never-runs') || n.includes('exit 3')), names.join('\n'));
  t.true(names.some((n) => n.startsWith('[final ')), names.join('\n'));

  const c = image.config.config!;
  t.deepEqual(c.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_VERSION=2.5', 'GLOBAL_SEEN=[]']);
  t.is(c.User, 'nobody');
  t.is(c.WorkingDir, '/app/sub');
  t.deepEqual(c.Shell, ['/bin/sh', '-ec']);
  t.deepEqual(c.Labels, { 'org.example.a': '1', b: 'two' });
  t.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
  t.deepEqual(c.Volumes, { '/data': {} });
  t.is(c.StopSignal, 'SIGQUIT');
  t.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost || exit 1'], Interval: 5e9, Timeout: 2e9, Retries: 3 });
  // ENTRYPOINT keeps a CMD set in the same stage (it resets only an inherited one).
  t.deepEqual(c.Cmd, ['serve']);
  t.deepEqual(c.Entrypoint, ['/bin/app']);
  // The trigger ran in `final` (FROM base) and is not passed on.
  t.is(c.OnBuild, undefined);
  t.is(image.config.architecture, hostArch);
  t.is(image.config.os, 'linux');
  const created = Date.parse(image.config.created ?? '');
  t.true(Math.abs(Date.now() - created) < 10 * 60_000, `created ${image.config.created}`);

  // History: one entry per instruction; empty_layer exactly where there is no layer; proxy args never appear.
  const history = image.config.history ?? [];
  t.is(history.filter((h) => h.empty_layer !== true).length, image.manifest.layers.length);
  t.is(image.config.rootfs.diff_ids.length, image.manifest.layers.length);
  const createdBy = history.map((h) => h.created_by ?? '');
  t.false(createdBy.some((h) => h.includes('proxy.invalid')), createdBy.join('\n'));
  for (const [prefix, empty] of [['ENV APP_VERSION=2.5', true], ['WORKDIR /app', false], ['USER nobody', true], ['LABEL ', true], ['EXPOSE ', true], ['VOLUME ', true], ['STOPSIGNAL SIGQUIT', true], ['HEALTHCHECK ', true], ['CMD ["serve"]', true], ['ENTRYPOINT ["/bin/app"]', true], ['SHELL ', true]] as const) {
    const entry = history.find((h) => h.created_by?.startsWith(prefix));
    t.truthy(entry, `history has ${prefix}`);
    t.is(entry?.empty_layer === true, empty, prefix);
  }
  t.true(createdBy.some((h) => h.startsWith('RUN |') && h.includes('VERSION=2.5') && h.endsWith('/bin/sh -ec whoami > /tmp/who.txt; id -u >> /tmp/who.txt; echo "$0 $-" > /tmp/shell.txt # buildkit')), createdBy.join('\n'));
  // Without an epoch, entries take their layers' times (BuildKit's fill rule) and the config the last of them.
  t.true(history.every((h) => h.created !== undefined), JSON.stringify(history));
  t.is(image.config.created, history.at(-1)!.created);

  // The tree: ARG values reach RUN (declared ones only; global ARGs not redeclared stay out), proxy args do reach RUN.
  t.is(fileAt(image.tree, 'app/args.txt'), `2.5|||http://proxy.invalid:3128\n`);
  t.is(fileAt(image.tree, 'app/platform.txt'), `linux/${hostArch} linux ${hostArch} linux/${hostArch} final\n`);
  t.is(fileAt(image.tree, 'onbuild.txt'), 'triggered\n');
  t.like(entryAt(image.tree, 'tmp/who.txt'), { type: 'file', uid: 65534, content: 'nobody\n65534\n' });
  t.regex(fileAt(image.tree, 'tmp/shell.txt'), /^\/bin\/sh \S*e/);
  // WORKDIR makes its directory as the current USER, as BuildKit does.
  t.like(entryAt(image.tree, 'app/sub'), { type: 'dir', uid: 65534 });
});

test.serial('ONBUILD from an image runs in the next build; ENTRYPOINT resets an inherited CMD; FROM scratch starts empty', (t) => {
  const parent = writeContext(path.join(work, 'onbuild-parent'), {
    Dockerfile: 'FROM busybox\nCMD ["inherited"]\nONBUILD COPY marker.txt /from-trigger.txt\nONBUILD RUN echo second > /second.txt\n',
  });
  const base = buildImage(k, parent, work, ['-t', 'kiln-test/onbuild-base']);
  t.deepEqual(base.config.config?.OnBuild, ['COPY marker.txt /from-trigger.txt', 'RUN echo second > /second.txt']);
  t.deepEqual(base.config.config?.Cmd, ['inherited']);
  t.false(fs.existsSync(path.join(base.tree, 'second.txt')));

  const child = writeContext(path.join(work, 'onbuild-child'), {
    Dockerfile: 'FROM kiln-test/onbuild-base\nENTRYPOINT ["/bin/echo"]\n',
    'marker.txt': 'from the child context\n',
  });
  const image = buildImage(k, child, work);
  t.is(fileAt(image.tree, 'from-trigger.txt'), 'from the child context\n');
  t.is(fileAt(image.tree, 'second.txt'), 'second\n');
  t.is(image.config.config?.OnBuild, undefined);
  t.deepEqual(image.config.config?.Entrypoint, ['/bin/echo']);
  t.is(image.config.config?.Cmd, undefined);

  const scratch = writeContext(path.join(work, 'scratch'), {
    Dockerfile: 'FROM scratch\nCOPY only.txt /\nENV A=1\n',
    'only.txt': 'alone\n',
  });
  const empty = buildImage(k, scratch, work);
  t.deepEqual(fs.readdirSync(empty.tree), ['only.txt']);
  t.is(empty.manifest.layers.length, 1);
  t.deepEqual(empty.config.config?.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1']);
});
