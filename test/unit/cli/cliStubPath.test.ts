/** `--stub-path DIR`: the user's model stubs, for `check`, `graph` and `simulate` (the CLI as users run it). */
import * as assert from 'node:assert/strict';
import { parseCheckArgs } from '../../../src/node/checkArgs';
import { ensureCliBuilt, runCli } from '../support/cli';

const APP = 'test/fixtures/workspace/user_stubs/app/net.py';
const STUBS = 'test/fixtures/workspace/user_stubs/corp_stubs';
const BROKEN = 'test/fixtures/workspace/user_stubs/broken_stubs';

interface GraphDocument {
  files: { models: { name: string; layers: { name: string; activation: string | null; init: { weight?: { name: string } } }[] }[]; notes: string[] }[];
}

function graphOf(...args: string[]): GraphDocument {
  const run = runCli(['graph', APP, '--format', 'json', ...args], 60_000);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as GraphDocument;
}

describe('command line: --stub-path DIR', function () {
  this.timeout(120_000);

  before(ensureCliBuilt);

  it('check takes --stub-path, repeatable, in both spellings', () => {
    assert.deepEqual(parseCheckArgs(['a.py', '--stub-path', 'one', '--stub-path=two'], 'usage').stubPaths, ['one', 'two']);
  });

  it('graph reads a company library from the stub folder: its layers, init and activation', () => {
    const without = graphOf();
    assert.deepEqual(
      without.files[0]!.models[0]!.layers.map((layer) => layer.name),
      ['head'],
      'without the folder the block is opaque: it holds no layer the analysis knows',
    );
    const withStubs = graphOf('--stub-path', STUBS);
    const layers = withStubs.files[0]!.models[0]!.layers;
    assert.deepEqual(
      layers.map((layer) => [layer.name, layer.init.weight?.name, layer.activation]),
      [
        ['gated.proj', 'xavier_uniform', 'tanh'],
        ['head', 'default', null],
      ],
    );
    assert.deepEqual(withStubs.files[0]!.notes, []);
  });

  it('a stub folder with broken Python ends with a note, and the run succeeds', () => {
    const broken = graphOf(`--stub-path=${BROKEN}`);
    assert.ok(
      broken.files[0]!.notes.some((note) => /layers\.py has syntax errors/.test(note)),
      broken.files[0]!.notes.join('\n'),
    );
  });
});
