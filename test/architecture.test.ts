// Holds the code to the package invariants of ARCHITECTURE.md (table in architecture.ts).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { packageRules } from './architecture.ts';
import { repoRoot } from './support/shared.ts';

const packagesDir = path.join(repoRoot, 'packages');
const names = fs.readdirSync(packagesDir).filter((n) => fs.existsSync(path.join(packagesDir, n, 'package.json')));
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(m|c)?ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Module specifiers of static imports, re-exports and dynamic imports, comments stripped. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set<string>();
  for (const re of [/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of text.matchAll(re)) found.add(m[1]!);
  }
  return [...found];
}

/** `@kiln/x/y` → `@kiln/x`; `koffi/x` → `koffi`; `@scope/p/x` → `@scope/p`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

test('every package is in the architecture table', (t) => {
  t.deepEqual(names.filter((n) => !(n in packageRules)), []);
});

for (const name of names) {
  const rule = packageRules[name];
  if (rule === undefined) continue;
  const dir = path.join(packagesDir, name);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as { references?: { path: string }[]; compilerOptions?: { types?: string[] } };
  const deps = Object.keys(manifest.dependencies ?? {});
  const kilnDeps = deps.filter((d) => d.startsWith('@kiln/')).map((d) => d.slice('@kiln/'.length));

  test(`${name}: imports only what ARCHITECTURE.md allows`, (t) => {
    const allowed = new Set(['errors', ...rule.mayImport]);
    const problems: string[] = [];
    for (const file of sourceFiles(path.join(dir, 'src'))) {
      const rel = path.relative(repoRoot, file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) continue;
        if (nodeBuiltins.has(spec) || spec.startsWith('node:')) {
          if (rule.pure) problems.push(`${rel}: pure package imports ${spec}`);
          continue;
        }
        const pkg = packageOf(spec);
        if (pkg.startsWith('@kiln/')) {
          const target = pkg.slice('@kiln/'.length);
          if (target === 'builder' || target === 'cli') {
            if (!(name === 'cli' && target === 'builder')) problems.push(`${rel}: nothing may import ${pkg}`);
          } else if (!allowed.has(target)) problems.push(`${rel}: ${name} may not import ${pkg}`);
          else if (packageRules[target] && !packageRules[target].pure && rule.pure) problems.push(`${rel}: pure package imports node package ${pkg}`);
          if (!kilnDeps.includes(target)) problems.push(`${rel}: imports ${pkg}, which package.json does not list`);
        } else if (!rule.thirdParty.includes(pkg)) {
          problems.push(`${rel}: ${pkg} is not one of ${name}'s third-party libraries (${rule.thirdParty.join(', ') || 'none'})`);
        }
      }
    }
    t.deepEqual(problems, []);
  });

  test(`${name}: package.json dependencies and tsconfig references agree and are allowed`, (t) => {
    const refs = (tsconfig.references ?? []).map((r) => path.basename(r.path)).sort();
    t.deepEqual(refs, [...kilnDeps].sort(), 'tsconfig references mirror the @kiln dependencies');
    const allowed = new Set(['errors', ...rule.mayImport]);
    t.deepEqual(kilnDeps.filter((d) => !allowed.has(d)), [], 'no dependency the table forbids');
    t.deepEqual(deps.filter((d) => !d.startsWith('@kiln/') && !rule.thirdParty.includes(d)), [], 'third-party libraries only where named');
    if (rule.pure) t.deepEqual(tsconfig.compilerOptions?.types, [], 'a pure package compiles with "types": []');
  });
}

test('each third-party library is imported by the packages named for it only', (t) => {
  const owners = new Map<string, string[]>();
  for (const [name, rule] of Object.entries(packageRules)) for (const lib of rule.thirdParty) owners.set(lib, [...(owners.get(lib) ?? []), name]);
  const problems: string[] = [];
  for (const name of names) {
    const manifest = JSON.parse(fs.readFileSync(path.join(packagesDir, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith('@kiln/')) continue;
      if (!(owners.get(dep) ?? []).includes(name)) problems.push(`${name} depends on ${dep}`);
    }
  }
  t.deepEqual(problems, []);
});
