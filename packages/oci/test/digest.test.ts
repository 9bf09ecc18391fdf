import test from 'ava';
import { digestAlgorithm, digestHex, isDigest, parseDigest, sha256Digest } from '@kiln/oci';

const empty = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

test('parseDigest accepts sha256 and sha512 and splits them', (t) => {
  t.is(parseDigest(empty), empty);
  t.is(digestAlgorithm(parseDigest(empty)), 'sha256');
  t.is(digestHex(parseDigest(empty)), empty.slice(7));
  const long = `sha512:${'0f'.repeat(64)}`;
  t.is(digestAlgorithm(parseDigest(long)), 'sha512');
});

const bad: [string, RegExp][] = [
  ['', /expected "<algorithm>:<hex>"/],
  ['sha256', /expected "<algorithm>:<hex>"/],
  [`md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
  [`sha384:${'a'.repeat(96)}`, /unsupported digest algorithm "sha384"/],
  [`sha256:${'a'.repeat(63)}`, /invalid checksum digest length 63 \(sha256 needs 64\)/],
  [`sha512:${'a'.repeat(64)}`, /invalid checksum digest length 64 \(sha512 needs 128\)/],
  [`sha256:${'A'.repeat(64)}`, /lowercase hexadecimal/],
  [`sha256:${'g'.repeat(64)}`, /lowercase hexadecimal/],
];
for (const [input, why] of bad) {
  test(`parseDigest rejects ${JSON.stringify(input)} quoting it`, (t) => {
    const error = t.throws(() => parseDigest(input));
    t.is((error as { code?: string }).code, 'InvalidArgument');
    t.true(error!.message.includes(JSON.stringify(input)));
    t.regex(error!.message, why);
    t.false(isDigest(input));
  });
}

test('sha256Digest builds from hex and validates it', (t) => {
  t.is(sha256Digest(empty.slice(7)), empty);
  t.throws(() => sha256Digest('abc'), { message: /invalid checksum digest length/ });
});
