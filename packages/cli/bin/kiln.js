#!/usr/bin/env node
// The `kiln` executable. The compile cache keeps V8's compiled code between
// runs (Node >= 22.1), which cuts start-up for short commands such as
// `kiln debug parse`; everything else lives in the compiled package.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv);
