#!/usr/bin/env node
'use strict';
/**
 * Builds the package: tsc into dist/ (or the folder given as the first argument; the contract JSON goes
 * along, as an import), and the CLI made executable for the `vertex-ai-emulator` bin.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, 'dist'));
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json'), '--outDir', outDir], { stdio: 'inherit' });
fs.chmodSync(path.join(outDir, 'cli.js'), 0o755);
