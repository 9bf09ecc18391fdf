#!/usr/bin/env node
/**
 * Writes the Dockerfile grammars of @kiln/dockerfile-syntax to this folder:
 * - `instruction.gast.json` / `json-array.gast.json`: chevrotain's serialized
 *   grammar (`getSerializedGastProductions`);
 * - `instruction.html` / `json-array.html`: chevrotain's syntax diagrams, with
 *   scripts and CSS loaded from the repository's node_modules (no network).
 * Run by hand after changing the grammar (build the package first):
 *   npx tsc -b packages/dockerfile-syntax && node grammar/generate.mjs
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = new URL('../packages/dockerfile-syntax/dist/', import.meta.url);
const { chevrotain } = await import(new URL('chevrotain-runtime.js', dist).href);
const { serializedGrammars } = await import(new URL('index.js', dist).href);

// Relative to this folder, so the HTML works from a checkout without network access.
const resourceBase = '../node_modules/chevrotain/diagrams/';
const { instruction, jsonArray } = serializedGrammars();
for (const [name, gast] of Object.entries({ instruction, 'json-array': jsonArray })) {
  fs.writeFileSync(`${here}${name}.gast.json`, JSON.stringify(gast, null, 2) + '\n');
  const html = chevrotain.createSyntaxDiagramsCode(gast, { resourceBase, css: `${resourceBase}diagrams.css` });
  fs.writeFileSync(`${here}${name}.html`, html);
  console.log(`grammar/${name}.gast.json, grammar/${name}.html: ${gast.length} rules`);
}
