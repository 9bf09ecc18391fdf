// Build-check behaviour the BuildKit corpus does not pin down: base image configs, configuration
// errors, experimental rules, expansion order, RUN mounts, error=true and target scoping.
import test from 'ava';
import { lintDockerfile, listLintRules, type LintResult } from '@kiln/dockerfile-frontend';

const rules = (r: LintResult) => r.findings.map((f) => `${f.ranges[0]?.start.line}:${f.rule}: ${f.message}`);

test('lists the 22 rules, InvalidDefinitionDescription the only experimental one', (t) => {
  const all = listLintRules();
  t.is(all.length, 22);
  t.deepEqual(all.filter((r) => r.experimental).map((r) => r.name), ['InvalidDefinitionDescription']);
  t.is(all.find((r) => r.name === 'InvalidBaseImagePlatform')?.url, '');
});

test('UndefinedVar knows the names of the base image Env when the caller gives them', (t) => {
  const text = 'FROM golang\nENV X=$GOPATH/bin\n';
  t.deepEqual(rules(lintDockerfile(text)), [`2:UndefinedVar: Usage of undefined variable '$GOPATH' (did you mean $PATH?)`]);
  const known = lintDockerfile(text, { baseImage: (ref) => (ref === 'golang' ? { env: ['PATH=/usr/bin', 'GOPATH=/go'] } : undefined) });
  t.deepEqual(rules(known), []);
});

test('a SHELL in the base image silences JSONArgsRecommended, as a SHELL instruction does', (t) => {
  const text = 'FROM mcr/powershell\nCMD Write-Host hi\n';
  t.deepEqual(rules(lintDockerfile(text)), ['2:JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals']);
  t.deepEqual(rules(lintDockerfile(text, { baseImage: () => ({ shell: ['pwsh', '-c'] }) })), []);
});

test('InvalidBaseImagePlatform compares the resolved platform with the one asked for', (t) => {
  const r = lintDockerfile('FROM busybox\nENV a=b\n', {
    targetPlatform: { os: 'linux', architecture: 'amd64' },
    baseImage: () => ({ platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }),
  });
  t.deepEqual(rules(r), ['1:InvalidBaseImagePlatform: Base image busybox was pulled with platform "linux/arm64/v8", expected "linux/amd64" for current build']);
  t.is(r.findings[0]?.url, '');
});

test('a bad # check= directive stops linting with BuildKit\'s message', (t) => {
  const r = lintDockerfile('# check=skip=all;foo=bar\nFROM scratch\n');
  t.deepEqual(r.findings, []);
  t.is(r.error?.message, 'failed to parse check options: invalid check option "foo"');
  t.is(r.error?.ranges[0]?.start.line, 1);
  t.is(lintDockerfile('# check=error=maybe\nFROM scratch\n').error?.message, 'failed to parse check options: failed to parse check option "error=maybe": strconv.ParseBool: parsing "maybe": invalid syntax');
});

test('BUILDKIT_DOCKERFILE_CHECK replaces the directive, and its errors name it', (t) => {
  const text = '# check=skip=all\nFROM scratch as base\n';
  t.deepEqual(rules(lintDockerfile(text)), []);
  t.deepEqual(rules(lintDockerfile(text, { buildArgs: new Map([['BUILDKIT_DOCKERFILE_CHECK', '']]) })), ["2:FromAsCasing: 'as' and 'FROM' keywords' casing do not match"]);
  t.is(lintDockerfile(text, { buildArgs: new Map([['BUILDKIT_DOCKERFILE_CHECK', 'skip']]) }).error?.message, 'failed to parse BUILDKIT_DOCKERFILE_CHECK: invalid check option "skip"');
});

test('experimental rules run when named, even with skip=all; per-instruction comments skip them', (t) => {
  const text = '# check=skip=all;experimental=all\n# nothing to do with it\nARG a=1\n# check=skip=InvalidDefinitionDescription\n# wrong\nFROM scratch AS base\nMAINTAINER x\n';
  t.deepEqual(rules(lintDockerfile(text)), ['3:InvalidDefinitionDescription: Comment for ARG should follow the format: `# a <description>`', '6:InvalidDefinitionDescription: Comment for FROM should follow the format: `# base <description>`']);
});

test('a # check= comment above an instruction applies to it alone', (t) => {
  const r = lintDockerfile('FROM scratch\n# check=skip=MaintainerDeprecated // fine here\nMAINTAINER a\nMAINTAINER b\n');
  t.deepEqual(rules(r), ['4:MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label']);
});

test('ENV expands every word before setting any: `ENV a=1 b=$a` reads an undefined a, reported once per line', (t) => {
  t.deepEqual(rules(lintDockerfile('FROM scratch\nENV a=1 b=$a c=$a\nENV d=$a\n')), [`2:UndefinedVar: Usage of undefined variable '$a'`]);
});

test('RUN --mount values are expanded and checked; ARGs declared without a value count as defined but suggest nothing', (t) => {
  const r = lintDockerfile('FROM scratch\nARG CACHE\nRUN --mount=type=cache,target=$CACHE,id=$CACHE_ID true\n');
  t.deepEqual(rules(r), [`3:UndefinedVar: Usage of undefined variable '$CACHE_ID'`]);
});

test('ARG in a stage takes the global value; a stage inherits its base stage\'s ARGs and ENV', (t) => {
  const text = 'ARG V=1\nFROM scratch AS a\nARG V\nENV E=$V\nFROM a\nCOPY $V$E /x\nCOPY $W /y\n';
  t.deepEqual(rules(lintDockerfile(text)), [`7:UndefinedVar: Usage of undefined variable '$W' (did you mean $V?)`]);
});

test('error=true: every finding is an error, and the violation names each rule once in the order they fired', (t) => {
  const r = lintDockerfile('# check=error=true\nFROM scratch as base\nMAINTAINER a\nMAINTAINER b\n');
  t.deepEqual(r.findings.map((f) => f.level), ['error', 'error', 'error']);
  t.deepEqual(r.error, { kind: 'violation', message: 'lint violation found for rules: FromAsCasing, MaintainerDeprecated', ranges: r.findings[0]!.ranges });
});

test('a target checks only the stages a build of it reaches; an unknown one is an error with a suggestion', (t) => {
  const text = 'FROM scratch AS one\nCOPY $a /\nFROM scratch AS two\nCOPY $b /\n';
  t.deepEqual(rules(lintDockerfile(text)), [`2:UndefinedVar: Usage of undefined variable '$a'`, `4:UndefinedVar: Usage of undefined variable '$b'`]);
  t.deepEqual(rules(lintDockerfile(text, { target: 'one' })), [`2:UndefinedVar: Usage of undefined variable '$a'`]);
  t.is(lintDockerfile(text, { target: 'onr' }).error?.message, 'target stage "onr" could not be found (did you mean one?)');
});

test('a syntax error is returned, not thrown', (t) => {
  const r = lintDockerfile('FROM scratch\nRUN <<EOF\n');
  t.deepEqual(r.findings, []);
  t.is(r.error?.kind, 'dockerfile');
});
