import test from 'ava';
import {
  compatiblePlatforms, formatPlatform, normalizePlatform, parsePlatform, platformMatcher, platformMatches, type Platform,
} from '@kiln/oci';

const parsed: [string, string][] = [
  ['linux/amd64', 'linux/amd64'],
  ['linux/x86_64', 'linux/amd64'],
  ['linux/x86-64/v1', 'linux/amd64'],
  ['linux/amd64/v3', 'linux/amd64/v3'],
  ['Linux/AMD64', 'linux/amd64'],
  ['linux/i386', 'linux/386'],
  ['linux/arm64', 'linux/arm64'],
  ['linux/arm64/v8', 'linux/arm64'],
  ['linux/aarch64', 'linux/arm64'],
  ['linux/arm64/8', 'linux/arm64'],
  ['linux/arm64/v9.0', 'linux/arm64/v9'],
  ['linux/arm64/8.2', 'linux/arm64/v8.2'],
  ['linux/arm', 'linux/arm/v7'],
  ['linux/arm/7', 'linux/arm/v7'],
  ['linux/arm/v6', 'linux/arm/v6'],
  ['linux/armhf', 'linux/arm/v7'],
  ['linux/armel', 'linux/arm/v6'],
  ['linux/arm/5', 'linux/arm/v5'],
  ['macos/arm64', 'darwin/arm64'],
  ['windows(10.0.17763)/amd64', 'windows(10.0.17763)/amd64'],
  ['arm64', 'linux/arm64'],
  ['s390x', 'linux/s390x'],
];
for (const [input, expected] of parsed) {
  test(`parsePlatform(${JSON.stringify(input)}) normalises to ${expected}`, (t) => {
    t.is(formatPlatform(parsePlatform(input)), expected);
  });
}

test('an OS alone takes the architecture of the host passed in', (t) => {
  t.deepEqual(parsePlatform('linux', { os: 'linux', architecture: 'arm', variant: 'v6' }), { os: 'linux', architecture: 'arm', variant: 'v6' });
  t.throws(() => parsePlatform('linux'), { message: /needs the host architecture/ });
});

for (const bad of ['', 'linux/amd64/v8/x', 'linux/am d64', 'plan10', '/amd64', 'linux//v7']) {
  test(`parsePlatform rejects ${JSON.stringify(bad)} quoting it`, (t) => {
    const error = t.throws(() => parsePlatform(bad));
    t.is((error as { code?: string }).code, 'InvalidArgument');
    t.true(error!.message.includes(JSON.stringify(bad)), error!.message);
  });
}

test('normalizePlatform keeps os.version and drops arm64 v8', (t) => {
  t.deepEqual(normalizePlatform({ os: 'Windows', architecture: 'x86_64', 'os.version': '10.0.1' }), { os: 'windows', architecture: 'amd64', 'os.version': '10.0.1' });
  t.deepEqual(normalizePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' }), { os: 'linux', architecture: 'arm64' });
});

const p = (s: string): Platform => parsePlatform(s);

const matches: [string, string, boolean][] = [
  ['linux/amd64', 'linux/amd64', true],
  ['linux/amd64', 'linux/386', true],
  ['linux/amd64', 'linux/arm64', false],
  ['linux/amd64', 'windows/amd64', false],
  ['linux/amd64', 'linux/amd64/v2', false],
  ['linux/amd64/v3', 'linux/amd64/v2', true],
  ['linux/amd64/v3', 'linux/amd64', true],
  ['linux/amd64/v2', 'linux/amd64/v3', false],
  ['linux/arm64', 'linux/arm64/v8', true],
  ['linux/arm64/v8', 'linux/arm64', true],
  ['linux/arm64', 'linux/arm/v7', true],
  ['linux/arm64', 'linux/arm/v8', true],
  ['linux/arm64', 'linux/arm/v5', true],
  ['linux/arm64', 'linux/amd64', false],
  ['linux/arm64', 'linux/arm64/v9', false],
  ['linux/arm64/v9', 'linux/arm64', true],
  ['linux/arm64/v9', 'linux/arm64/v8.5', true],
  ['linux/arm64/v8.2', 'linux/arm64/v8.1', true],
  ['linux/arm64/v8.2', 'linux/arm64/v8.3', false],
  ['linux/arm/v7', 'linux/arm/v6', true],
  ['linux/arm/v7', 'linux/arm', true],
  ['linux/arm/v6', 'linux/arm/v7', false],
  ['linux/arm/v7', 'linux/arm64', false],
  ['linux/386', 'linux/amd64', false],
];
for (const [wanted, image, expected] of matches) {
  test(`an image for ${image} ${expected ? 'runs' : 'does not run'} on ${wanted}`, (t) => {
    t.is(platformMatches(p(wanted), p(image)), expected);
  });
}

test('strict matching accepts only the same platform', (t) => {
  t.true(platformMatches(p('linux/arm64'), p('linux/arm64/v8'), { strict: true }));
  t.false(platformMatches(p('linux/amd64'), p('linux/386'), { strict: true }));
});

test('the matcher orders candidates best first, like containerd', (t) => {
  const matcher = platformMatcher(p('linux/arm64'));
  const candidates = ['linux/arm/v5', 'linux/amd64', 'linux/arm/v7', 'linux/arm64'].map(p);
  const sorted = candidates.filter((c) => matcher.match(c)).sort(matcher.compare).map(formatPlatform);
  t.deepEqual(sorted, ['linux/arm64', 'linux/arm/v7', 'linux/arm/v5']);
  t.deepEqual(compatiblePlatforms(p('linux/amd64/v3')).map(formatPlatform), ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386']);
});
