import test from 'ava';
import { escapeLowerdir, isBindMount, MountFlag, parseMountOptions, parseMountInfo, splitLowerdirs } from '@kiln/sys';

test('flag words become MS_* flags and the rest stays data, in order', (t) => {
  const parsed = parseMountOptions(['ro', 'nosuid', 'lowerdir=/a:/b', 'index=off', 'nodev']);
  t.is(parsed.flags, MountFlag.rdonly | MountFlag.nosuid | MountFlag.nodev);
  t.deepEqual(parsed.data, ['lowerdir=/a:/b', 'index=off']);
  t.is(parsed.propagation, 0);
});

test('a later clearing word wins: ro then rw is writable', (t) => {
  t.is(parseMountOptions(['ro', 'rw']).flags & MountFlag.rdonly, 0);
  t.is(parseMountOptions(['rbind']).flags, MountFlag.bind | MountFlag.rec);
});

test('propagation words are kept apart from the mount flags', (t) => {
  const parsed = parseMountOptions(['rbind', 'rprivate']);
  t.is(parsed.propagation, MountFlag.private | MountFlag.rec);
  t.is(parsed.flags, MountFlag.bind | MountFlag.rec);
});

test('bind mounts are recognised by type or by option', (t) => {
  t.true(isBindMount({ type: 'bind', source: '/a', options: [] }));
  t.true(isBindMount({ type: 'none', source: '/a', options: ['rbind'] }));
  t.false(isBindMount({ type: 'overlay', source: 'overlay', options: ['lowerdir=/a'] }));
});

test('lowerdir lists split on unescaped colons and round-trip through escaping', (t) => {
  const dirs = ['/plain', '/with:colon', '/back\\slash'];
  const joined = dirs.map(escapeLowerdir).join(':');
  t.is(joined, '/plain:/with\\:colon:/back\\\\slash');
  t.deepEqual(splitLowerdirs(joined), dirs);
});

test('mountinfo lines parse, with optional fields and octal escapes', (t) => {
  const text = [
    '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
    '243 27 0:39 / /tmp/a\\040b rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
    'garbage',
  ].join('\n');
  const infos = parseMountInfo(text);
  t.is(infos.length, 2);
  t.is(infos[0]?.fsType, 'ext4');
  t.is(infos[1]?.mountPoint, '/tmp/a b');
  t.is(infos[1]?.parentId, 27);
  t.deepEqual(infos[1]?.superOptions, ['rw', 'lowerdir=/l', 'upperdir=/u', 'workdir=/w']);
});
