// COPY and ADD: sources, destinations, flags, URLs, heredocs, --link, and their errors.
import test from 'ava';
import { LocatedError } from '@kiln/errors';
import { validateDefinition, type FileCopy, type SourceOp } from '@kiln/llb';
import { convert, createdBy, files, names, vertex } from './convert-support.ts';

const copies = async (text: string, options = {}) => {
  const r = await convert(text, options);
  validateDefinition(r.definition);
  const op = files(r).at(-1)!;
  return { r, op, actions: op.vertex.op.actions, copy: (i = 0) => op.vertex.op.actions[i]!.action as FileCopy };
};

test('COPY of several context paths: one file op, chained actions, the context as secondary input', async (t) => {
  const { r, op, actions } = await copies('FROM busybox\nCOPY a.txt dir/ /dst/\n');
  t.is(actions.length, 2);
  t.like(actions[0], { input: 0, secondaryInput: 1, output: -1 });
  t.like(actions[1], { input: 2, secondaryInput: 1, output: 0 }, 'the second action works on the first one\'s result');
  t.like(actions[0]!.action, { kind: 'copy', src: '/a.txt', dest: '/dst/', followSymlink: true, dirCopyContents: true, createDestPath: true, allowWildcard: true, allowEmptyWildcard: true, attemptUnpackDockerCompatibility: false });
  t.like(actions[1]!.action, { src: '/dir' }, 'a trailing slash on a source means nothing');
  const ctx = vertex(r, op.vertex.inputs[1]!.digest);
  t.deepEqual((ctx.vertex.op as SourceOp).attrs, { 'local.sharedkeyhint': 'context', 'local.includepattern': '["a.txt","dir"]' });
  t.is(op.metadata.name, '[2/2] COPY a.txt dir/ /dst/');
  t.deepEqual(createdBy(r).at(-1), 'COPY a.txt dir/ /dst/ # buildkit');
});

test('relative destinations are resolved against WORKDIR and keep their trailing slash', async (t) => {
  const { copy } = await copies('FROM busybox\nWORKDIR /app\nCOPY x ./lib/\n');
  t.is(copy().dest, '/app/lib/');
  const dot = await copies('FROM busybox\nWORKDIR /app\nCOPY x .\n');
  t.is(dot.copy().dest, '/app/');
});

test('wildcards are kept for the worker to match; .dockerignore patterns go to the context source', async (t) => {
  const { r, op, copy } = await copies('FROM busybox\nCOPY *.go go.* /src/\n', { ignorePatterns: ['**/*.tmp', '!keep.tmp'] });
  t.is(copy().src, '/*.go');
  const ctx = vertex(r, op.vertex.inputs[1]!.digest);
  t.like((ctx.vertex.op as SourceOp).attrs, { 'local.excludepatterns': '["**/*.tmp","!keep.tmp"]', 'local.includepattern': '["*.go","go.*"]' });
});

test('sources and destination are expanded; --exclude is not', async (t) => {
  const { r, copy } = await copies('FROM busybox\nARG D=/opt\nENV F=app\nCOPY --exclude=$F.log ${F}.js $D/\n');
  t.like(copy(), { src: '/app.js', dest: '/opt/', excludePatterns: ['$F.log'] });
  t.is(createdBy(r).at(-1), 'COPY app.js /opt/ # buildkit');
});

test('--chown takes ids or names; --chmod octal or symbolic; both reach the history line', async (t) => {
  const { r, copy } = await copies('FROM busybox\nCOPY --chown=1000:app --chmod=0640 a b /x/\nCOPY --chown=bin --chmod=u+x,go=rX c /y\n');
  const [first, second] = files(r).slice(-2);
  t.like(first!.vertex.op.actions[0]!.action, { owner: { user: { id: 1000 }, group: { name: 'app' } }, mode: 0o640 });
  t.like(second!.vertex.op.actions[0]!.action, { owner: { user: { name: 'bin' } }, mode: 'u+x,go=rX' });
  t.deepEqual(createdBy(r).slice(-2), ['COPY --chown=1000:app --chmod=0640 a b /x/ # buildkit', 'COPY --chown=bin --chmod=u+x,go=rX c /y # buildkit']);
  t.truthy(copy);
});

test('--chmod out of range or not octal is refused with BuildKit\'s message', async (t) => {
  await t.throwsAsync(convert('FROM busybox\nCOPY --chmod=10000 a /\n'), { message: "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777" });
  await t.throwsAsync(convert('FROM busybox\nCOPY --chmod=089 a /\n'), { message: /^invalid chmod parameter: '089'/ });
  await t.throwsAsync(convert('FROM busybox\nCOPY --chmod=u+q a /\n'), { message: /^invalid chmod parameter: 'u\+q'/ });
});

test('COPY --from a stage reads that stage\'s tree and adds nothing to the context', async (t) => {
  const { r, op, copy } = await copies('FROM busybox AS build\nRUN make\nFROM scratch\nCOPY --from=build /out/app /app\n');
  const secondary = vertex(r, op.vertex.inputs[op.vertex.op.actions[0]!.secondaryInput]!.digest);
  t.is(secondary.vertex.op.type, 'exec');
  t.is(copy().src, '/out/app');
  t.false(r.definition.vertices.some((v) => (v.vertex.op as SourceOp).identifier?.startsWith('local://')));
  t.is(op.vertex.op.actions[0]!.input, -1, 'scratch: the copy lands in an empty tree');
});

test('COPY --from an image resolves it and names it FROM without a step number', async (t) => {
  const { r } = await copies('FROM scratch\nCOPY --from=alpine:3 /etc/os-release /\n');
  t.true(r.calls.includes('docker.io/library/alpine:3 linux/amd64'));
  t.true(names(r).some((n) => /^FROM docker\.io\/library\/alpine:3@sha256:/.test(n)));
});

test('COPY --from with a variable is refused, even in a stage the target does not need', async (t) => {
  await t.throwsAsync(convert('FROM busybox AS a\nARG S=x\nCOPY --from=$S /a /a\nFROM busybox\n'), {
    message: 'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
  });
});

test('COPY --from a later stage is refused', async (t) => {
  await t.throwsAsync(convert('FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\n', { target: 'a' }), {
    message: 'cannot copy from stage "b", it needs to be defined before current stage "a"',
  });
});

test('a context source outside the context is an error', async (t) => {
  const error = await t.throwsAsync(convert('FROM busybox\nCOPY ../secret /s\n'), { message: 'forbidden path outside the build context: ../secret' });
  t.true(error instanceof LocatedError);
  await t.throwsAsync(convert('FROM busybox\nCOPY a/../../x /s\n'), { message: /outside the build context/ });
  const fromStage = await copies('FROM busybox AS a\nFROM scratch\nCOPY --from=a ../x /x\n');
  t.is(fromStage.copy().src, '/x', 'inside another stage .. is clamped at its root, as BuildKit does');
});

test('COPY of a URL or a git reference is refused', async (t) => {
  await t.throwsAsync(convert('FROM scratch\nCOPY https://example.com/a /\n'), { message: "source can't be a URL for COPY" });
  await t.throwsAsync(convert('FROM scratch\nCOPY git@github.com:moby/buildkit.git /\n'), { message: "source can't be a git ref for COPY" });
});

test('ADD of a local path attempts to unpack archives; --unpack=false turns it off', async (t) => {
  const { copy } = await copies('FROM busybox\nADD app.tar.gz /opt/\n');
  t.true(copy().attemptUnpackDockerCompatibility);
  const off = await copies('FROM busybox\nADD --unpack=false app.tar.gz /opt/\n');
  t.false(off.copy().attemptUnpackDockerCompatibility);
});

test('ADD of a URL downloads it through an http source named after the URL path, with --checksum', async (t) => {
  const sum = `sha256:${'ab'.repeat(32)}`;
  const { r, op, copy } = await copies(`FROM busybox\nADD --checksum=${sum} https://example.com/dl/tool.tgz?x=1 /usr/bin/\n`);
  const http = vertex(r, op.vertex.inputs[op.vertex.op.actions[0]!.secondaryInput]!.digest);
  t.deepEqual(http.vertex.op, { type: 'source', identifier: 'https://example.com/dl/tool.tgz?x=1', attrs: { 'http.filename': 'tool.tgz', 'http.checksum': sum } });
  t.like(copy(), { src: '/tool.tgz', dest: '/usr/bin/', attemptUnpackDockerCompatibility: false, followSymlink: false });
  t.is(createdBy(r).at(-1), `ADD https://example.com/dl/tool.tgz?x=1 /usr/bin/ # buildkit`);
  const unnamed = await copies('FROM busybox\nADD https://example.com/ /d/\n');
  t.is(unnamed.copy().src, '/__unnamed__');
});

test('ADD --checksum needs one http(s) or git source and a valid digest', async (t) => {
  const sum = `sha256:${'ab'.repeat(32)}`;
  await t.throwsAsync(convert(`FROM busybox\nADD --checksum=${sum} a /\n`), { message: 'checksum requires HTTP(S) or Git sources' });
  await t.throwsAsync(convert(`FROM busybox\nADD --checksum=${sum} https://e.com/a https://e.com/b /\n`), { message: "checksum can't be specified for multiple sources" });
  await t.throwsAsync(convert('FROM busybox\nADD --checksum=md5:abc https://e.com/a /\n'), { message: /^unsupported digest algorithm/ });
  await t.throwsAsync(convert('FROM busybox\nADD --checksum=sha256:xyz https://e.com/a /\n'), { message: /^invalid checksum digest format/ });
});

test('heredoc sources become inline files, expanded unless the marker is quoted', async (t) => {
  const { r, op } = await copies('FROM busybox\nARG NAME=kiln\nCOPY <<EOF <<"RAW" /etc/\nhello $NAME\nEOF\nkeep $NAME\nRAW\n');
  const inline = op.vertex.op.actions.map((a) => vertex(r, op.vertex.inputs[a.secondaryInput]!.digest));
  t.deepEqual(inline.map((v) => v.vertex.op), [
    { type: 'file', actions: [{ input: -1, secondaryInput: -1, output: 0, action: { kind: 'mkfile', path: '/EOF', mode: 0o644, data: 'hello kiln\n' } }] },
    { type: 'file', actions: [{ input: -1, secondaryInput: -1, output: 0, action: { kind: 'mkfile', path: '/RAW', mode: 0o644, data: 'keep $NAME\n' } }] },
  ]);
  t.like(op.vertex.op.actions[0]!.action, { src: '/EOF', dest: '/etc/' });
  t.is(createdBy(r).at(-1), 'COPY <<EOF <<RAW /etc/ # buildkit');
});

test('COPY --parents copies from the pivot with the path as include pattern', async (t) => {
  const { r, copy } = await copies('FROM busybox\nCOPY --parents src/./lib/*.js /app/\nCOPY --parents x/y.txt /app/\n');
  t.like(files(r).at(-2)!.vertex.op.actions[0]!.action, { src: '/src', includePatterns: ['lib/*.js'] });
  t.like(copy(), { src: '/', includePatterns: ['x/y.txt'] });
  t.is(createdBy(r).at(-1), 'COPY --parents x/y.txt /app/ # buildkit');
});

test('COPY --link copies onto an empty tree and stacks it with a merge op named LINK', async (t) => {
  const { r, op } = await copies('FROM busybox\nCOPY --link a /a\n');
  t.is(op.vertex.op.actions[0]!.input, -1);
  const merge = r.definition.vertices.find((v) => v.vertex.op.type === 'merge')!;
  t.deepEqual(merge.vertex.inputs.map((i) => vertex(r, i.digest).vertex.op.type), ['source', 'file']);
  t.is(merge.metadata.name, '[2/2] LINK COPY --link a /a');
  t.is(op.metadata.name, '[2/2] COPY --link a /a');
  t.deepEqual(merge.metadata.progressGroup, op.metadata.progressGroup);
  t.deepEqual(r.definition.root, { digest: merge.digest, output: 0 });
  const withChmod = await copies('FROM busybox\nCOPY --link --chmod=755 a /a\n');
  t.false(withChmod.r.definition.vertices.some((v) => v.vertex.op.type === 'merge'), '--chmod turns --link off, as in BuildKit');
});

test('SOURCE_DATE_EPOCH sets the copy timestamp', async (t) => {
  const { copy } = await copies('FROM busybox\nCOPY a /a\n', { buildArgs: new Map([['SOURCE_DATE_EPOCH', '1700000000']]) });
  t.is(copy().timestamp, 1700000000);
});
