import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLED_STUBS } from '../../../src/core/stubs/bundled';
import { parseModule } from '../../../src/core/workspace/parsedModule';
import { loadGrammar } from '../support/python';

/** The generator's module (plain JavaScript, loaded at run time so the test reads what the script writes). */
async function generator(): Promise<{ bundledSource(): string; bundledPath: string }> {
  const script = pathToFileURL(path.join(__dirname, '..', '..', '..', 'scripts', 'gen-stubs.mjs')).href;
  return (await import(script)) as { bundledSource(): string; bundledPath: string };
}

describe('bundled model stubs', () => {
  before(loadGrammar);

  it('src/core/stubs/bundled.ts is what scripts/gen-stubs.mjs makes of stubs/ (run the script after editing a stub)', async () => {
    const { bundledSource, bundledPath } = await generator();
    assert.equal(fs.readFileSync(bundledPath, 'utf8'), bundledSource());
  });

  it('holds the torchvision.ops, timm.layers, transformers and keras_hub stubs', () => {
    for (const path of [
      'torchvision/ops/__init__.py',
      'torchvision/ops/misc.py',
      'timm/layers/__init__.py',
      'transformers/__init__.py',
      'transformers/modeling_utils.py',
      'keras_hub/layers/__init__.py',
    ]) {
      assert.ok(BUNDLED_STUBS[path] !== undefined, path);
    }
  });

  it('every stub states the library version it describes in its header, and parses without errors', () => {
    for (const [path, text] of Object.entries(BUNDLED_STUBS)) {
      const library = path.split('/')[0]!;
      assert.match(text.split('\n')[0]!, new RegExp(`^# Init Lens model stub: ${library}[\\w.]* \\(\\w+ \\d+\\.\\d+`), path);
      const module = parseModule(text);
      assert.ok(module, path);
      assert.deepEqual(module.brokenLines, [], path);
      assert.equal(module.unplaced, false, path);
    }
  });
});
