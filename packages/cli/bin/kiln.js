#!/usr/bin/env node
// The `kiln` executable: everything lives in the compiled package.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
