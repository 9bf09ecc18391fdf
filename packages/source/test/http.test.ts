import test from 'ava';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { downloadHttp } from '@kiln/source';
import { openTestRoot } from './helpers.ts';

const body = 'hello from the server\n';
const sha = `sha256:${createHash('sha256').update(body).digest('hex')}`;
const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';

async function server(t: { teardown(fn: () => Promise<void>): void }) {
  const hits: { url: string; ifNoneMatch: string | undefined }[] = [];
  const s = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
    if (req.url === '/missing') return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
    const headers: Record<string, string> = { etag: '"v1"', 'last-modified': lastModified };
    if (req.url === '/download') headers['content-disposition'] = 'attachment; filename="report.txt"';
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

async function fileOf(ref: { mount(): Promise<{ mounts: readonly { source: string }[]; release(): Promise<void> }> }, name: string) {
  const view = await ref.mount();
  try {
    const p = path.join(view.mounts[0]!.source, name);
    return { text: fs.readFileSync(p, 'utf8'), st: fs.statSync(p), names: fs.readdirSync(view.mounts[0]!.source) };
  } finally {
    await view.release();
  }
}

test('a download is one file named from the URL, with mode 0600 and mtime from Last-Modified', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const { base } = await server(t);
  const result = await downloadHttp({ cache: r.cache, db: r.contentRoot.db }, `${base}/files/app.tar.gz?x=1`, { checksum: sha });
  t.is(result.filename, 'app.tar.gz');
  t.is(`sha256:${result.digest}`, sha);
  const f = await fileOf(result.ref, 'app.tar.gz');
  t.deepEqual(f.names, ['app.tar.gz']);
  t.is(f.text, body);
  t.is(f.st.mode & 0o7777, 0o600);
  t.is(f.st.mtime.getTime(), Date.parse(lastModified));
  await result.ref.release();
});

test('Content-Disposition names the file', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const { base } = await server(t);
  const result = await downloadHttp({ cache: r.cache, db: r.contentRoot.db }, `${base}/download`);
  t.is(result.filename, 'report.txt');
  await result.ref.release();
});

test('a checksum mismatch is DataLoss and leaves no snapshot', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const { base } = await server(t);
  const wrong = `sha256:${'0'.repeat(64)}`;
  const error = await t.throwsAsync(downloadHttp({ cache: r.cache, db: r.contentRoot.db }, `${base}/f`, { checksum: wrong }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, /digest mismatch/);
  t.is(await r.cache.prune().then((p) => p.freedBytes), 0, 'nothing was committed');
  await t.throwsAsync(downloadHttp({ cache: r.cache, db: r.contentRoot.db }, `${base}/missing`), { message: /status 404/ });
});

test('a repeated download revalidates with the ETag and reuses the ref; a known checksum skips the request', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const { base, hits } = await server(t);
  const deps = { cache: r.cache, db: r.contentRoot.db };
  const first = await downloadHttp(deps, `${base}/f`);
  const second = await downloadHttp(deps, `${base}/f`);
  t.true(second.cached);
  t.is(second.ref.id, first.ref.id);
  t.is(hits[1]?.ifNoneMatch, '"v1"');
  const third = await downloadHttp(deps, `${base}/f`, { checksum: sha });
  t.true(third.cached);
  t.is(hits.length, 2, 'no request with a matching checksum');
  await Promise.all([first.ref.release(), second.ref.release(), third.ref.release()]);
});
