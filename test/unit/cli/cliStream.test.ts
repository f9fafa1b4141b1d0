/**
 * `check` streams: a file's findings are on stdout as soon as that file is done, before the next
 * file is even read. The second file is a FIFO the test writes only once the first file's lines
 * have arrived, so a CLI that held its output until the end would never print them and time out.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCliBuilt, ROOT } from '../support/cli';
import { suppressionModel } from '../support/suppressionModel';

/** Runs the CLI; resolves with its stdout once `ready` matches it, then feeds `fifo` and waits for the exit. */
function streamThrough(args: string[], ready: RegExp, fifo: string, text: string): Promise<{ early: string; stdout: string; status: number | null }> {
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { cwd: ROOT, env });
  let stdout = '';
  let early: string | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no streamed output before the second file was read; stdout so far:\n${stdout}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (early === undefined && ready.test(stdout)) {
        early = stdout;
        fs.writeFile(fifo, text, (error) => error && reject(error));
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ early: early ?? '', stdout, status });
    });
  });
}

describe('CLI check streams its results', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  let dir: string;
  before(function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-stream-'));
    fs.writeFileSync(path.join(dir, 'first.py'), suppressionModel());
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const format of ['text', 'json-lines', 'github']) {
    it(`writes the first file's ${format} findings before it reads the second file`, async () => {
      const fifo = path.join(dir, `second-${format}.py`);
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
      const run = await streamThrough(
        ['check', path.join(dir, 'first.py'), fifo, '--output-format', format],
        /first\.py.*init-recurrent/,
        fifo,
        suppressionModel(),
      );
      assert.equal(run.status, 1);
      assert.ok(!run.early.includes('second-'), 'nothing of the second file before it was written');
      assert.match(run.stdout.slice(run.early.length), /second-[\w-]+\.py/, 'the second file is reported after');
    });
  }
});
