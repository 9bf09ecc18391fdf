// The pieces of a run that need no runtime: path resolution inside a root,
// users, /etc files, the seccomp profile and the spec itself.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRuntimeSpec, containerHosts, containerResolvConf, defaultSeccompProfile, resolveUser, secureJoin } from '@kiln/executor';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-spec-parts-'));
test.after.always(() => fs.rmSync(root, { recursive: true, force: true }));

test.before(() => {
  fs.mkdirSync(path.join(root, 'etc'));
  fs.mkdirSync(path.join(root, 'real'));
  fs.symlinkSync('/etc/shadow-of-host', path.join(root, 'abs-link'));
  fs.symlinkSync('../../../../..', path.join(root, 'real', 'up'));
  fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002:app:/srv/app:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nappgrp:x:1002:\nextra:x:2000:app,other\nother:x:3000:other\n');
});

test('secureJoin resolves absolute symlinks against the root, never the host', (t) => {
  t.is(secureJoin(root, '/abs-link'), path.join(root, 'etc/shadow-of-host'));
});

test('secureJoin never climbs above the root through .. or relative links', (t) => {
  t.is(secureJoin(root, '/../../etc/passwd'), path.join(root, 'etc/passwd'));
  t.is(secureJoin(root, '/real/up/etc/passwd'), path.join(root, 'etc/passwd'));
});

test('secureJoin reports a symlink loop instead of spinning', (t) => {
  t.throws(() => secureJoin(root, '/loop-a/x'), { message: /too many levels of symbolic links/ });
});

test('users resolve by name with supplementary groups, by number without passwd entries, and with explicit groups', (t) => {
  t.deepEqual(resolveUser(root, 'app'), { uid: 1001, gid: 1002, additionalGids: [2000], home: '/srv/app' });
  t.deepEqual(resolveUser(root, 'app:other'), { uid: 1001, gid: 3000, additionalGids: [], home: '/srv/app' });
  t.deepEqual(resolveUser(root, '5000:6000'), { uid: 5000, gid: 6000, additionalGids: [], home: '/' });
  t.deepEqual(resolveUser(root, undefined), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  t.throws(() => resolveUser(root, 'app:nogroup'), { message: /unable to find group nogroup/ });
});

test("resolv.conf drops the host's loopback name servers and falls back to public ones", (t) => {
  t.is(containerResolvConf('nameserver 127.0.0.53\noptions edns0\n', 'none'), 'options edns0\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  t.is(containerResolvConf('nameserver 10.1.2.3\nnameserver ::1\n', 'none'), 'nameserver 10.1.2.3\n');
  t.is(containerResolvConf('nameserver 127.0.0.53\n', 'host'), 'nameserver 127.0.0.53\n');
});

test("sandbox resolv.conf keeps the host's reachable IPv4 servers, else asks slirp4netns's forwarder", (t) => {
  t.is(containerResolvConf('search lan\nnameserver 10.1.2.3\nnameserver fd00::53\nnameserver 127.0.0.1\n', 'sandbox'), 'search lan\nnameserver 10.1.2.3\n');
  t.is(containerResolvConf('nameserver 127.0.0.53\noptions edns0 trust-ad\n', 'sandbox'), 'options edns0 trust-ad\nnameserver 10.0.2.3\n');
  t.is(containerResolvConf('', 'sandbox'), 'nameserver 10.0.2.3\n');
});

test('hosts names localhost and the build host, plus extra hosts', (t) => {
  t.is(containerHosts('box', ['10.0.0.1 db']), '127.0.0.1\tlocalhost box\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.1 db\n');
});

test("the seccomp profile follows capabilities and architecture like Docker's", (t) => {
  const names = (caps: string[], arch: string): Set<string> => new Set(defaultSeccompProfile(caps, arch).syscalls.flatMap((s) => s.names));
  const plain = names(['CAP_CHOWN'], 'amd64');
  t.true(plain.has('read') && plain.has('arch_prctl'));
  t.false(plain.has('mount'), 'mount needs CAP_SYS_ADMIN');
  t.false(plain.has('riscv_flush_icache'));
  t.true(names(['CAP_SYS_ADMIN'], 'amd64').has('mount'));
  const profile = defaultSeccompProfile(['CAP_CHOWN'], 'amd64');
  t.is(profile.defaultAction, 'SCMP_ACT_ERRNO');
  t.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  t.true(profile.syscalls.some((s) => s.names.includes('clone3') && s.action === 'SCMP_ACT_ERRNO' && s.errnoRet === 38));
});

test('the spec isolates by default and shares only what host networking asks for', (t) => {
  const input = {
    rootfsPath: '/r', args: ['true'], env: ['A=1'], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    hostname: 'h', mounts: [], noNewPrivileges: false, arch: 'amd64', seccomp: true,
  } as const;
  const none = buildRuntimeSpec({ ...input, network: 'none' });
  t.deepEqual(none.linux.namespaces.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  t.deepEqual(none.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'HOME=/root']);
  t.false(none.process.noNewPrivileges);
  t.is(none.mounts.find((m) => m.destination === '/sys')?.type, 'sysfs');
  const host = buildRuntimeSpec({ ...input, network: 'host' });
  t.false(host.linux.namespaces.some((n) => n.type === 'network'));
  t.is(host.mounts.find((m) => m.destination === '/sys')?.type, 'bind');
});

test('the sandbox spec joins the prepared network namespace, and only sandbox takes one', (t) => {
  const input = {
    rootfsPath: '/r', args: ['true'], env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    hostname: 'h', mounts: [], noNewPrivileges: false, arch: 'amd64', seccomp: false,
  } as const;
  const sandbox = buildRuntimeSpec({ ...input, network: 'sandbox', networkNamespacePath: '/proc/42/ns/net' });
  t.deepEqual(sandbox.linux.namespaces.at(-1), { type: 'network', path: '/proc/42/ns/net' });
  t.is(sandbox.mounts.find((m) => m.destination === '/sys')?.type, 'sysfs');
  t.throws(() => buildRuntimeSpec({ ...input, network: 'sandbox' }), { message: /mode "sandbox" and path null/ });
  t.throws(() => buildRuntimeSpec({ ...input, network: 'none', networkNamespacePath: '/proc/42/ns/net' }), { message: /mode "none"/ });
});
