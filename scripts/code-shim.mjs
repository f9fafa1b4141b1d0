#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }):
// maps its arguments (--extensionDevelopmentPath=…, --extensionTestsPath=…, the workspace folder)
// onto run-vscode-tests.mjs (code-server in Debian's chromium) and returns its exit code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const value = (key) =>
  args
    .find((a) => a.startsWith(`--${key}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const folder = args.find((a) => !a.startsWith('-')) || process.cwd();
const here = path.dirname(fileURLToPath(import.meta.url));
const run = spawnSync(
  process.execPath,
  [
    path.join(here, 'run-vscode-tests.mjs'),
    '--ext',
    value('extensionDevelopmentPath'),
    '--tests',
    value('extensionTestsPath'),
    '--folder',
    folder,
    '--timeout',
    '600',
  ],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
