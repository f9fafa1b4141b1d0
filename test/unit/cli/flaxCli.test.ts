/**
 * The command line on Flax files, run from source (`node --import tsx src/cli.ts`): `graph` prints
 * the Flax graph, `check` reports and exits 1 on warnings, 0 on a file whose inits fit.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join('test', 'fixtures', 'flax');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('src', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.error, undefined, String(result.error));
  return result;
}

describe('CLI on Flax files', function () {
  this.timeout(60_000);

  it('graph --format json: framework flax, Flax names, fans and the JAX init', () => {
    const run = cli('graph', path.join(FIXTURES, 'nnx_cnn.py'), '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as {
      files: {
        framework: string;
        models: { name: string; layers: { name: string; fanIn: unknown; init: { weight: { name: string; variance: number } } }[] }[];
      }[];
    };
    const file = json.files[0]!;
    assert.equal(file.framework, 'flax');
    const cnn = file.models.find((m) => m.name === 'CNN')!;
    assert.deepEqual(
      cnn.layers.map((l) => l.name),
      ['conv1', 'conv2', 'linear1', 'linear2'],
    );
    assert.equal(cnn.layers[2]!.fanIn, 3136);
    assert.equal(cnn.layers[2]!.init.weight.name, 'lecun_normal');
    assert.ok(Math.abs(cnn.layers[2]!.init.weight.variance - 1 / 3136) < 1e-15);
  });

  it('check --format json: init-relu warnings on the nnx DeepMLP, exit 1', () => {
    const run = cli('check', path.join(FIXTURES, 'nnx_mlp.py'), '--format', 'json');
    assert.equal(run.status, 1, run.stderr);
    type Found = { rule: string; severity: string; layer: string; model: string; instances?: { layer: string }[] };
    const findings = JSON.parse(run.stdout) as Found[] | { findings: Found[] };
    const list = Array.isArray(findings) ? findings : findings.findings;
    const deep = list.filter((f) => f.model === 'DeepMLP');
    // The hidden layers are one Linear written in a loop: one finding naming its six instances.
    assert.deepEqual(
      deep.flatMap((f) => (f.instances ?? [f]).map((instance) => instance.layer)),
      ['input_layer', 'hidden.0', 'hidden.1', 'hidden.2', 'hidden.3', 'hidden.4', 'hidden.5'],
    );
    assert.equal(deep.length, 2);
    assert.ok(deep.every((f) => f.rule === 'init-relu' && f.severity === 'warning'));
  });

  it('check exits 0 once the fix (he_normal) is in the file', () => {
    const text = fs
      .readFileSync(path.join(ROOT, FIXTURES, 'nnx_mlp.py'), 'utf8')
      .replace(/nnx\.Linear\((784|width), width, rngs=rngs\)/g, 'nnx.Linear($1, width, kernel_init=nnx.initializers.he_normal(), rngs=rngs)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flax-cli-'));
    const file = path.join(dir, 'fixed.py');
    fs.writeFileSync(file, text);
    const run = cli('check', file);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  });
});
