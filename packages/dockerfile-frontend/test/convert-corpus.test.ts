// BuildKit's conversion vectors (dockerfile2llb/convert-vectors.json), one test per case.
import test from 'ava';
import { parseDockerfile } from '@kiln/dockerfile-syntax';
import {
  addEnv,
  convertDockerfile,
  healthcheckHistory,
  parseGoDuration,
  parseKeyValue,
  parseStages,
  proxyEnvFromBuildArgs,
  resolveSourceDateEpoch,
  rfc3339,
} from '@kiln/dockerfile-frontend';
import { validateDefinition, type FileCopy, type SourceOp } from '@kiln/llb';
import type { Digest } from '@kiln/oci';
import { readCorpusJson } from '../../../test/support/shared.ts';
import { amd64, convert, files, imageConfig } from './convert-support.ts';

interface Vectors {
  convertOk: { dockerfile: string; target?: string; note?: string }[];
  convertError: { dockerfile: string; target?: string; error?: boolean; exactError?: string; note?: string }[];
  imageConfigSemantics: {
    name: string;
    dockerfile?: string;
    expect?: Record<string, unknown>;
    healthcheck?: { Test: string[]; Interval: string; Timeout: string; StartPeriod: string; StartInterval: string; Retries: number };
    expectHistoryCreatedBy?: string;
  }[];
  envHelpers: {
    addEnv: { env: string[]; set: [string, string]; expected: string[]; note?: string }[];
    parseKeyValue: { in: string; k: string; v: string }[];
  };
  proxyArgs: { cases: { buildArgs: Record<string, string>; expected: Record<string, string> | null }[] };
  sourceDateEpoch: {
    cases: { value?: string; dockerfile?: string; stage?: string; expectedUnix?: number; expected?: null; errorContains?: string; expectSource?: { identifier: string; attrs: Record<string, string> } }[];
  };
}

const vectors = readCorpusJson<Vectors>('dockerfile2llb', 'convert-vectors.json');
const oneLine = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

if (vectors === undefined) {
  test.skip('convert-vectors corpus absent', () => {});
} else {
  vectors.convertOk.forEach((c, i) => {
    test(`convertOk #${i}: ${c.note ?? oneLine(c.dockerfile)}${c.target ? ` (target ${c.target})` : ''}`, async (t) => {
      const r = await convert(c.dockerfile, c.target === undefined ? {} : { target: c.target });
      validateDefinition(r.definition);
      const excludes = /--exclude=(\S+) --exclude=(\S+)/.exec(c.dockerfile);
      if (excludes !== null) {
        const copy = files(r).at(-1)!.vertex.op.actions[0]!.action as FileCopy;
        t.deepEqual(copy.excludePatterns, [excludes[1]!, excludes[2]!]);
        t.like(copy, { src: '/dir', dest: '/sub/' });
      } else if (c.dockerfile.includes('ADD http')) {
        t.true(r.definition.vertices.some((v) => (v.vertex.op as SourceOp).identifier === 'http://github.com/moby/buildkit/blob/master/README.md'));
      } else if (c.target !== undefined) {
        t.deepEqual(r.target, { index: 0, name: 'foo' });
        t.deepEqual(r.image.config?.Env?.at(-1), 'FOO=bar');
      } else {
        t.true(r.definition.vertices.length > 0);
      }
    });
  });

  vectors.convertError.forEach((c, i) => {
    test(`convertError #${i}: ${c.exactError ?? c.note ?? oneLine(c.dockerfile)}`, async (t) => {
      const error = await t.throwsAsync(convert(c.dockerfile, c.target === undefined ? {} : { target: c.target }));
      if (c.exactError !== undefined) t.is(error!.message, c.exactError);
      if (c.target === 'nosuch') t.is(error!.message, 'target stage "nosuch" could not be found');
      if (c.note?.includes('should not be blank')) t.is(error!.message, 'base name (${BLANK}) should not be blank');
    });
  });

  for (const c of vectors.imageConfigSemantics) {
    test(`imageConfigSemantics: ${c.name}`, async (t) => {
      if (c.healthcheck !== undefined) {
        const h = c.healthcheck;
        const line = healthcheckHistory(h.Test, parseGoDuration(h.Interval), parseGoDuration(h.Timeout), parseGoDuration(h.StartPeriod), parseGoDuration(h.StartInterval), h.Retries);
        t.is(line, c.expectHistoryCreatedBy ?? "(no expected line in the corpus)");
        return;
      }
      const expect = c.expect ?? {};
      if ('config.Labels.marker' in expect) {
        const r = await convert(c.dockerfile!);
        t.is(r.image.config?.Labels?.marker, expect['config.Labels.marker'] as string);
        return;
      }
      // FROM <stage> chains back to the real image: with a resolver standing in for the registry,
      // the target's history starts with busybox's own and busybox is resolved once, for linux/amd64.
      const diffIds = expect['baseImage.rootfs.diff_ids'] as Digest[];
      const created = expect['baseImage.created'] as string;
      const base = { ...imageConfig({}, 1), created, rootfs: { type: 'layers' as const, diff_ids: diffIds } };
      const ref = 'docker.io/library/busybox:1.36.1@sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74';
      const r = await convert(c.dockerfile!, { images: { [ref]: base }, targetPlatform: { os: 'linux', architecture: 'arm64' } });
      t.deepEqual(r.calls, [`${ref} linux/amd64`]);
      t.is(r.image.history![0]!.created_by, 'layer 0');
      t.deepEqual(r.image.history!.slice(1).map((h) => h.created_by), ['RUN /bin/sh -c echo foo # buildkit', 'RUN /bin/sh -c echo bar # buildkit']);
      t.is(r.image.history![0]!.created, created);
    });
  }

  vectors.envHelpers.addEnv.forEach((c, i) => {
    test(`envHelpers addEnv #${i}: set ${c.set[0]}${c.note ? ` (${c.note})` : ''}`, (t) => {
      t.deepEqual(addEnv(c.env, c.set[0], c.set[1]), c.expected);
    });
  });
  for (const c of vectors.envHelpers.parseKeyValue) {
    test(`envHelpers parseKeyValue ${JSON.stringify(c.in)}`, (t) => {
      t.deepEqual(parseKeyValue(c.in), [c.k, c.v]);
    });
  }

  vectors.proxyArgs.cases.forEach((c, i) => {
    test(`proxyArgs #${i}: ${Object.keys(c.buildArgs).join(',')}`, (t) => {
      const got = proxyEnvFromBuildArgs(new Map(Object.entries(c.buildArgs)));
      if (c.expected === null) {
        t.is(got, undefined);
        return;
      }
      const names: Record<string, string> = { HTTPProxy: 'httpProxy', HTTPSProxy: 'httpsProxy', FTPProxy: 'ftpProxy', NoProxy: 'noProxy', AllProxy: 'allProxy' };
      t.deepEqual(got, Object.fromEntries(Object.entries(c.expected).map(([k, v]) => [names[k], v])));
    });
  });

  vectors.sourceDateEpoch.cases.forEach((c, i) => {
    test(`sourceDateEpoch #${i}: ${c.value ?? `stage ${c.stage}`}${c.dockerfile ? ' with a Dockerfile' : ''}`, async (t) => {
      const text = c.dockerfile ?? 'FROM scratch\nENV A=b\n';
      const value = c.value ?? c.stage!;
      if (c.stage !== undefined) {
        const parsed = parseStages(parseDockerfile(text));
        const run = () => resolveSourceDateEpoch(value, parsed.stages, parsed.globalArgs, new Map(), '\\');
        if (c.errorContains !== undefined) {
          t.throws(run, { message: new RegExp(c.errorContains) });
        } else {
          const got = run();
          t.is(got.kind, 'source');
          if (got.kind === 'source') t.like(got.source, c.expectSource!);
        }
        return;
      }
      const options = { buildArgs: new Map([['SOURCE_DATE_EPOCH', value]]) };
      if (c.errorContains !== undefined) {
        await t.throwsAsync(convert(text, options), { message: new RegExp(c.errorContains) });
        return;
      }
      const r = await convert(text, options);
      t.is(r.image.created, c.expectedUnix === undefined ? undefined : rfc3339(c.expectedUnix * 1000));
      t.is(r.image.history!.at(-1)!.created, r.image.created);
    });
  });
}

test('a resolver error names the image and keeps its cause', async (t) => {
  const cause = new Error('manifest unknown');
  const error = await t.throwsAsync(
    convertDockerfile(parseDockerfile('FROM nothere\n'), { targetPlatform: amd64, buildPlatform: amd64, resolveImage: () => Promise.reject(cause) }),
  );
  t.is(error!.message, 'docker.io/library/nothere:latest: manifest unknown');
  t.is((error!.cause as Error).cause, cause);
});
