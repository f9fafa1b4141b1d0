/**
 * Runs the built command line as users run it (`node dist/cli.js …` in a child process), builds it
 * first when dist/ is missing, and checks the usage-error contract.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** What a run of the CLI gave. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js ...args` from the repository root (or `cwd`), killed after `timeoutMs`. */
export function runCli(args: readonly string[], timeoutMs: number, cwd: string = ROOT): Run {
  // The built CLI needs no loader: a `--import tsx` from a targeted mocha run would not resolve outside the repository.
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  assert.equal(result.error, undefined, `spawning the CLI: ${String(result.error)}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A `before` hook: `npm run build` when dist/cli.js is missing, then dist/cli.js must exist. */
export function ensureCliBuilt(): void {
  if (!fs.existsSync(CLI)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  assert.ok(fs.existsSync(CLI), 'dist/cli.js exists');
}

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr matching `message`. */
export function assertUsageError(run: Run, message: RegExp): void {
  assert.equal(run.status, 2, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '', 'nothing on stdout');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, message);
}
