// kiln build end to end: COPY and ADD (sources, wildcards, trailing slashes, --from, --chown, --chmod, --link,
// --parents, --exclude, local tars, http URLs with --checksum, heredocs, symlinks, .dockerignore), checked on the saved image.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { buildImage, busyboxEnv, entryAt, fileAt, kilnBuild, kilnBuildAsync, namesIn, saveImage, writeContext } from './support/build-cli.ts';
import { makeBusyboxLayout, type KilnEnv } from './support/images-cli.ts';

let work: string;
let k: KilnEnv;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-copy-'));
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  k = busyboxEnv(path.join(work, 'env'), layout);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const copyDockerfile = `FROM busybox AS other
RUN mkdir -p /out && echo from-stage > /out/s.txt

FROM busybox
RUN echo "app:x:1234:1234::/home/app:/bin/sh" >> /etc/passwd && echo "app:x:1234:" >> /etc/group && echo "grp2:x:777:" >> /etc/group
WORKDIR /w
COPY one.txt two.txt /multi/
COPY src/*.txt /wild/
COPY src /contents
COPY src/ /contents-slash/
COPY one.txt /renamed
COPY one.txt /intodir/
COPY one.txt rel/
COPY --from=other /out/s.txt /fromstage.txt
COPY --from=busybox /etc/group /frombusybox-group
COPY --chown=app:grp2 one.txt /chown-names.txt
COPY --chown=1234 one.txt /chown-uid.txt
COPY --chown=app one.txt /chown-parents/sub/
COPY --chmod=0600 one.txt /chmod-octal.txt
COPY --chmod=u=rwx,g=rx,o= one.txt /chmod-sym.txt
COPY --link dir2 /linked/
COPY --parents deep/a/b/p.txt deep/a/q.txt /parents/
COPY --exclude=*.md --exclude=sub/skip.txt src /excluded
ADD arch.tar.gz /extracted/
COPY arch.tar.gz /notextracted/
COPY src/link-rel /followed-rel
COPY link-abs /followed-abs
COPY ign /ign
COPY <<EOT /heredoc.txt
hello \${GREETING_ARG:-default}
EOT
COPY <<-"EOT" /heredoc-raw.txt
\traw $HOME
\tEOT
ADD <<EOT /heredoc-add.txt
added
EOT
`;

test.serial('COPY and ADD: sources, wildcards, dir contents, trailing slashes, --from, --chown, --chmod, --link, --parents, --exclude, tars, heredocs, symlinks, .dockerignore', (t) => {
  const tarSrc = writeContext(path.join(work, 'tar-src'), { 'in.txt': 'in the tar\n', 'nested/deeper.txt': 'deeper\n' });
  const context = writeContext(path.join(work, 'copy'), {
    Dockerfile: copyDockerfile,
    '.dockerignore': 'ign/hidden\n**/*.log\n',
    'one.txt': 'one\n',
    'two.txt': 'two\n',
    'src/a.txt': 'a\n',
    'src/b.txt': 'b\n',
    'src/top.md': 'top\n',
    'src/sub/c.md': 'c\n',
    'src/sub/skip.txt': 'skip\n',
    'src/link-rel': { symlink: 'a.txt' },
    'src/exec.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'dir2/x': 'x\n',
    'deep/a/b/p.txt': 'p\n',
    'deep/a/q.txt': 'q\n',
    'deep/a/other.txt': 'not asked for\n',
    'link-abs': { symlink: '/src/b.txt' },
    'ign/hidden': 'ignored\n',
    'ign/keep.txt': 'kept\n',
    'ign/x.log': 'ignored log\n',
  });
  execFileSync('tar', ['-czf', path.join(context, 'arch.tar.gz'), '-C', tarSrc, '.']);
  const image = buildImage(k, context, work);
  const tree = image.tree;

  t.deepEqual(namesIn(tree, 'multi'), ['one.txt', 'two.txt']);
  t.deepEqual(namesIn(tree, 'wild'), ['a.txt', 'b.txt']);
  // A directory source copies its contents; a symlink inside it stays a symlink; modes are kept.
  t.deepEqual(namesIn(tree, 'contents'), ['a.txt', 'b.txt', 'exec.sh', 'link-rel', 'sub', 'top.md']);
  t.deepEqual(namesIn(tree, 'contents-slash'), namesIn(tree, 'contents'));
  t.like(entryAt(tree, 'contents/link-rel'), { type: 'symlink', content: 'a.txt' });
  t.like(entryAt(tree, 'contents/exec.sh'), { type: 'file', mode: 0o755 });
  // Trailing slash: without it the dest is the file's new name; with it, a directory; relative dests follow WORKDIR.
  t.like(entryAt(tree, 'renamed'), { type: 'file', content: 'one\n' });
  t.like(entryAt(tree, 'intodir/one.txt'), { type: 'file', content: 'one\n' });
  t.like(entryAt(tree, 'w/rel/one.txt'), { type: 'file', content: 'one\n' });
  t.is(fileAt(tree, 'fromstage.txt'), 'from-stage\n');
  t.regex(fileAt(tree, 'frombusybox-group'), /^root:x:0:/);
  t.notRegex(fileAt(tree, 'frombusybox-group'), /grp2/);
  // --chown names come from the target's /etc/passwd and /etc/group; a user alone gives its primary group; created parents too.
  t.like(entryAt(tree, 'chown-names.txt'), { uid: 1234, gid: 777 });
  t.like(entryAt(tree, 'chown-uid.txt'), { uid: 1234, gid: 1234 });
  t.like(entryAt(tree, 'chown-parents'), { type: 'dir', uid: 1234, gid: 1234 });
  t.like(entryAt(tree, 'chown-parents/sub/one.txt'), { uid: 1234, gid: 1234 });
  t.like(entryAt(tree, 'chmod-octal.txt'), { mode: 0o600, uid: 0 });
  t.like(entryAt(tree, 'chmod-sym.txt'), { mode: 0o750 });
  t.is(fileAt(tree, 'linked/x'), 'x\n');
  t.deepEqual(namesIn(tree, 'parents/deep/a'), ['b', 'q.txt']);
  t.is(fileAt(tree, 'parents/deep/a/b/p.txt'), 'p\n');
  // --exclude patterns are relative to the source: *.md drops only the top level's.
  t.deepEqual(namesIn(tree, 'excluded'), ['a.txt', 'b.txt', 'exec.sh', 'link-rel', 'sub']);
  t.deepEqual(namesIn(tree, 'excluded/sub'), ['c.md']);
  // ADD extracts a local tar; COPY does not.
  t.is(fileAt(tree, 'extracted/in.txt'), 'in the tar\n');
  t.is(fileAt(tree, 'extracted/nested/deeper.txt'), 'deeper\n');
  t.deepEqual(namesIn(tree, 'notextracted'), ['arch.tar.gz']);
  // A source path that is a symlink is followed inside the context; an absolute target is resolved against the context root.
  t.like(entryAt(tree, 'followed-rel'), { type: 'file', content: 'a\n' });
  t.like(entryAt(tree, 'followed-abs'), { type: 'file', content: 'b\n' });
  // .dockerignore applies to what COPY reads.
  t.deepEqual(namesIn(tree, 'ign'), ['keep.txt']);
  // Heredoc sources: unquoted bodies are expanded, quoted ones not; <<- strips leading tabs.
  t.like(entryAt(tree, 'heredoc.txt'), { type: 'file', mode: 0o644, content: 'hello default\n' });
  t.is(fileAt(tree, 'heredoc-raw.txt'), 'raw $HOME\n');
  t.is(fileAt(tree, 'heredoc-add.txt'), 'added\n');

  // One layer per COPY/ADD, each with BuildKit's history text.
  const createdBy = (image.config.history ?? []).map((h) => h.created_by ?? '');
  for (const line of ['COPY one.txt two.txt /multi/ # buildkit', 'COPY --chown=app:grp2 one.txt /chown-names.txt # buildkit', 'COPY --chmod=0600 one.txt /chmod-octal.txt # buildkit', 'COPY --parents deep/a/b/p.txt deep/a/q.txt /parents/ # buildkit', 'ADD arch.tar.gz /extracted/ # buildkit', 'COPY <<EOT /heredoc.txt # buildkit']) {
    t.true(createdBy.includes(line), `history has "${line}":\n${createdBy.join('\n')}`);
  }
});

test.serial('COPY never reads outside the context: ../x fails, links out of it resolve inside it; the error names the Dockerfile line', (t) => {
  const context = writeContext(path.join(work, 'outside'), {
    'a.txt': 'a\n',
    'abs-out': { symlink: '/etc/hostname' },
    'rel-out': { symlink: '../../../../../../etc/hostname' },
  });
  const host = fs.readFileSync('/etc/hostname', 'utf8');
  const dotdot = kilnBuild(k, context, ['-f', '-'], 'FROM busybox\nCOPY ../x /x\n');
  t.not(dotdot.status, 0);
  t.regex(dotdot.stderr, /Dockerfile:2/);
  t.regex(dotdot.stderr, /\.\.\/x/);
  t.regex(dotdot.stderr, /outside the build context/);
  for (const link of ['abs-out', 'rel-out']) {
    const r = kilnBuild(k, context, ['-f', '-', '-t', `kiln-test/${link}`], `FROM busybox\nCOPY a.txt ${link} /got/\n`);
    t.not(r.status, 0, `COPY ${link} must not succeed`);
    t.regex(r.stderr, new RegExp(`${link}.*not found|not found.*${link}`));
    t.false(r.stderr.includes(host.trim()) && host.trim() !== '', 'the host file was never read');
  }
  // Same link inside a copied directory stays a link and is never followed.
  writeContext(context, { 'd/abs': { symlink: '/etc/hostname' } });
  const image = buildImage(k, context, work, ['-f', '-'], 'FROM scratch\nCOPY d /d\n');
  t.like(entryAt(image.tree, 'd/abs'), { type: 'symlink', content: '/etc/hostname' });
});

test.serial('ADD of an http URL with --checksum downloads it (mode 0600, named by the URL); a wrong checksum fails the build', async (t) => {
  const body = 'downloaded over http\n';
  const sha = createHash('sha256').update(body).digest('hex');
  const server = http.createServer((req, res) => {
    if (req.url === '/files/payload.txt') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), 'Last-Modified': 'Wed, 01 Jan 2020 00:00:00 GMT' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/payload.txt`;
  const context = writeContext(path.join(work, 'http'), {
    Dockerfile: `FROM scratch\nADD --checksum=sha256:${sha} ${url} /dl/\nADD ${url} /named.txt\n`,
  });
  const ok = await kilnBuildAsync(k, context, ['-t', 'kiln-test/http']);
  t.is(ok.status, 0, ok.stderr);
  const image = saveImage(k, 'kiln-test/http', path.join(work, 'http-image'));
  t.like(entryAt(image.tree, 'dl/payload.txt'), { type: 'file', mode: 0o600, content: body });
  t.like(entryAt(image.tree, 'named.txt'), { type: 'file', mode: 0o600, content: body });
  t.is(fs.statSync(path.join(image.tree, 'dl/payload.txt')).mtime.toISOString(), '2020-01-01T00:00:00.000Z');

  const wrong = 'sha256:' + '0'.repeat(64);
  fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM scratch\nADD --checksum=${wrong} ${url} /dl/\n`);
  const bad = await kilnBuildAsync(k, context, []);
  t.not(bad.status, 0);
  t.regex(bad.stderr, /Dockerfile:2/);
  t.regex(bad.stderr, /checksum|digest/i);
  t.true(bad.stderr.includes(sha) || bad.stderr.includes(wrong), bad.stderr);
});
