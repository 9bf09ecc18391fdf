/** The grammars pass chevrotain's validations, and the committed grammar/ files match them. */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { serializedGrammars } from '@kiln/dockerfile-syntax';
import { repoRoot } from '../../../test/support/shared.ts';

test('grammars pass chevrotain validations and grammar/*.gast.json is up to date (run grammar/generate.mjs)', (t) => {
  const { instruction, jsonArray } = serializedGrammars();
  t.deepEqual(instruction.map((r) => (r as { name?: string }).name), ['instructions', 'instruction', 'onbuildPrefix']);
  for (const [file, gast] of [['instruction.gast.json', instruction], ['json-array.gast.json', jsonArray]] as const) {
    const committed = JSON.parse(fs.readFileSync(path.join(repoRoot, 'grammar', file), 'utf8')) as unknown;
    t.deepEqual(committed, JSON.parse(JSON.stringify(gast)), file);
  }
});
