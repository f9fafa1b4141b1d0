/**
 * The Python-semantics corpus (test/fixtures/python-corpus) through Flax: each case spelled in
 * Flax's layers and activations (`Layer` → `nn.Dense`, `relu` → `nn.relu`, `import toy` →
 * `import flax.linen as toy`, base `Module` an nnx module called through `forward`) must build the
 * same layers as the toy framework: same build order, sizes and arguments, activations, loops of
 * unknown length (`[*]`), and the names Flax gives (attribute paths of nnx modules).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlaxFramework } from '../../../src/core/frameworks/flax/semantics';
import { layerName, tensorValue, type FlaxHost, type LayerInst } from '../../../src/core/frameworks/flax/host';
import { toPyAst } from '../../../src/core/python/ast';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import { sym } from '../../../src/core/python/eval/values';
import { parsePython } from '../../../src/core/python/parser';
import { loadGrammar } from '../support/python';
import { collapseRepeats, CORPUS_DIR, parseCorpus } from '../support/pythonCorpus';

const PRELUDE = `from flax import linen as nn
from flax import nnx
class Module(nnx.Module):
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)
def Input():
    return __input__
`;

/** The case spelled in Flax's names. */
export function flaxSpelling(code: string): string {
  return code
    .replace(/^import toy$/m, 'import flax.linen as toy')
    .replace(/\btoy\.Layer\b/g, 'toy.Dense')
    .replace(/(?<![.\w"'])Layer\b/g, 'nn.Dense')
    .replace(/(?<![.\w"'])(relu|gelu)\b(?!["'])/g, 'nn.$1');
}

/** A Flax layer in the corpus's form: `[name: ]Layer(args)[ -> activation][ [*]]`. */
function shown(ev: PythonEvaluator<FlaxHost>, inst: LayerInst): string {
  const args = [...inst.args].map(([key, value]) => (key === 'features' ? ev.show(value) : `${key}=${ev.show(value)}`));
  const name = inst.path.local === null ? '' : `${layerName(inst)}: `;
  const flow = inst.flow.activation;
  const activation = flow === 'unknown' ? ' -> unknown' : flow ? ` -> ${flow.name}` : '';
  return `${name}Layer(${args.join(', ')})${activation}${inst.symbolic ? ' [*]' : ''}`;
}

/** The layers Flax builds for a case. */
function flaxLayers(code: string): string {
  const text = PRELUDE + flaxSpelling(code);
  const tree = parsePython(text)!;
  const root = toPyAst(tree, text);
  tree.delete();
  const flax = new FlaxFramework(root);
  const ev = new PythonEvaluator<FlaxHost>(text, flax);
  ev.globals.set('__input__', tensorValue({ pending: new Set(), last: new Set(), skip: true, dim: sym('x.shape[-1]'), spatial: null }));
  ev.runModule(root);
  // Modules made at the top level are models: their children are named from them (`fc`).
  for (const inst of flax.built()) {
    let state = inst.path.state;
    while (state?.parent) {
      state = state.parent;
    }
    if (state && state.local === null) {
      state.local = '';
    }
  }
  return collapseRepeats(flax.built().map((inst) => shown(ev, inst))).join('\n');
}

/** The toy's expected layers, without what Flax does not record (uncertain paths) and the notes. */
function toyLayers(expected: string): string {
  return expected
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('note:'))
    .map((line) => line.replace(' [uncertain]', ''))
    .join('\n');
}

describe('Python-semantics corpus (Flax)', () => {
  before(loadGrammar);
  for (const file of readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.txt'))) {
    describe(file, () => {
      for (const testCase of parseCorpus(readFileSync(join(CORPUS_DIR, file), 'utf8'))) {
        it(testCase.title, () => {
          assert.equal(flaxLayers(testCase.code), toyLayers(testCase.expected));
        });
      }
    });
  }
});
