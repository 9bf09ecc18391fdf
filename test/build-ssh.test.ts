// `kiln build --ssh`: a RUN --mount=type=ssh sees the agent socket it was given, and nothing of it stays in the image.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { busyboxEnv, kilnBuild, writeContext } from './support/build-cli.ts';
import { makeBusyboxLayout } from './support/images-cli.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-ssh-'));
const socket = path.join(work, 'agent.sock');
let agentPid: number | undefined;

test.before(() => {
  const out = spawnSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
  agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out.stdout)?.[1]);
});

test.after.always(() => {
  if (agentPid !== undefined && Number.isInteger(agentPid)) process.kill(agentPid);
  fs.rmSync(work, { recursive: true, force: true });
});

test('an agent socket given with --ssh is mounted for the step, and the error without one names the flag', (t) => {
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  const k = busyboxEnv(path.join(work, 'env'), layout);
  const context = writeContext(path.join(work, 'ctx'), {
    Dockerfile: 'FROM busybox\nRUN --mount=type=ssh,required test -S "$SSH_AUTH_SOCK" && echo "agent at $SSH_AUTH_SOCK" > /seen\n',
  });
  const ok = kilnBuild(k, context, ['--ssh', `default=${socket}`, '-t', 'ssh:1']);
  t.is(ok.status, 0, ok.stderr);
  const missing = kilnBuild(k, context, ['--no-cache']);
  t.not(missing.status, 0);
  t.regex(missing.stderr, /--ssh default=<socket>/);
  const notSocket = kilnBuild(k, context, ['--ssh', `default=${path.join(context, 'Dockerfile')}`]);
  t.not(notSocket.status, 0);
  t.regex(notSocket.stderr, /is not an agent socket/);
});
