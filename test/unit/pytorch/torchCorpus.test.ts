/**
 * The Python-semantics corpus (test/fixtures/python-corpus) through PyTorch. PyTorch follows tensors
 * only inside a module's `forward`, so each case's code becomes the body of the `forward` of a
 * generated `nn.Module` (`Corpus`), called once on an input tensor as the extraction calls a model.
 * The corpus's neutral names are PyTorch's: `Layer` is `functools.partial(nn.Linear, D)` (the toy
 * names only the output width), `relu` is `F.relu`, `import toy` imports `torch.nn.functional`
 * (so `getattr(toy, "relu")` is PyTorch's), `Module` is `nn.Module`, `Input()` is the forward's input.
 * Every case must build the layers the toy builds, in build order, with PyTorch's Linear semantics
 * (fans, default init, bias), the activation PyTorch's data flow finds after each, and the names
 * PyTorch gives (the attribute path in the module that owns the layer; none for a layer no module
 * registers).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensorOf } from '../../../src/core/frameworks/pytorch/flow';
import { TorchFramework } from '../../../src/core/frameworks/pytorch/torchFramework';
import { walkModules } from '../../../src/core/frameworks/pytorch/torchModuleMethods';
import { moduleOf, tensorValue, type TorchHost, type TorchObject, type TorchValue } from '../../../src/core/frameworks/pytorch/torchHost';
import type { ModuleInst } from '../../../src/core/frameworks/pytorch/values';
import type { ArgValue } from '../../../src/core/graph';
import { toPyAst } from '../../../src/core/python/ast';
import type { Kwargs, Site } from '../../../src/core/python/eval/contracts';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import { parsePython } from '../../../src/core/python/parser';
import { loadGrammar } from '../support/python';
import { collapseRepeats, CORPUS_DIR, noteLines, parseCorpus } from '../support/pythonCorpus';

/** The input width of every layer: the toy does not say it, PyTorch needs it. */
const D = 12;

const PRELUDE = `import torch
from torch import nn
import torch.nn.functional as F
from functools import partial as _partial
Layer = _partial(nn.Linear, ${D})
relu = F.relu
gelu = F.gelu
Module = nn.Module
class Corpus(nn.Module):
    def forward(self, inp):
        def Input():
            return inp
`;

/** The case as the body of `Corpus.forward`, spelled in PyTorch's names. */
function torchSpelling(code: string): string {
  const body = code
    .replace(/^import toy$/m, 'import torch.nn.functional as toy')
    // `torch.nn.functional` has no layers: the case's `toy.Layer` is the prelude's.
    .replace(/\btoy\.Layer\b/g, 'Layer');
  return body
    .split('\n')
    .map((line) => (line === '' ? line : `        ${line}`))
    .join('\n');
}

/** A layer built while the case ran: the module, the keywords written, whether in a loop of unknown length. */
interface Built {
  module: ModuleInst;
  keywords: string[];
  symbolic: boolean;
}

/** PyTorch's semantics, recording each module built (the corpus reads layers in build order). */
class RecordingTorch extends TorchFramework {
  readonly built: Built[] = [];
  readonly owners: ModuleInst[] = [];

  override call(callee: TorchHost, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    const value = super.call(callee, args, kwargs, site);
    const module = callee.kind === 'class' ? moduleOf(value) : undefined;
    if (module) {
      this.built.push({ module, keywords: [...kwargs.keys()], symbolic: site.ctx.symbolicLoop });
    }
    return value;
  }

  override initInstance(instance: TorchObject, site: Site<TorchHost>): TorchValue | undefined {
    const result = super.initInstance(instance, site);
    const module = moduleOf(instance);
    if (module) {
      this.owners.push(module);
    }
    return result;
  }
}

function argText(value: ArgValue | undefined): string {
  return value !== null && typeof value === 'object' ? value.expr : String(value);
}

/**
 * A PyTorch Linear in the corpus's form, `[name: ]Layer(out[, keyword=…])[ -> activation][ [*]]`;
 * any departure from Linear's own semantics (fans, default init) is spelled into the line so it fails.
 */
function shown(built: Built, names: Map<ModuleInst, string>): string {
  const { module } = built;
  const out = argText(module.config.out_features);
  const keywords = built.keywords.map((key) => (key === 'bias' ? `bias=${module.params.has('bias') ? 'True' : 'False'}` : `${key}=?`));
  const flow = module.flow.activation;
  const activation = flow === 'unknown' ? ' -> unknown' : flow ? ` -> ${flow.name}` : '';
  const fans = module.fanIn === D && String(module.fanOut) === out ? '' : ` fans=${module.fanIn},${module.fanOut}`;
  const weight = module.params.get('weight')?.init;
  const init = weight?.name === 'default' && weight.variance === 1 / (3 * D) ? '' : ` init=${weight?.name}`;
  const name = names.get(module);
  return `${name ? `${name}: ` : ''}Layer(${[out, ...keywords].join(', ')})${activation}${fans}${init}${built.symbolic ? ' [*]' : ''}`;
}

/** The PyTorch result of a case: its Linear layers in build order, and the evaluator's notes. */
function run(code: string): string[] {
  const text = PRELUDE + torchSpelling(code) + '\nCorpus()(__input__)\n';
  const tree = parsePython(text)!;
  const root = toPyAst(tree, text);
  tree.delete();
  const torch = new RecordingTorch(text);
  torch.root = root;
  // The module-level call is the model's run, as the extraction runs a model's forward.
  torch.runningModel = true;
  const ev = new PythonEvaluator<TorchHost>(text, torch);
  ev.globals.set('__input__', tensorValue(tensorOf([], true)));
  ev.runModule(root);
  // PyTorch's names: a layer's attribute path inside the local module that holds it.
  const names = new Map<ModuleInst, string>();
  for (const owner of torch.owners) {
    for (const [name, module] of walkModules(owner)) {
      if (name !== '') {
        names.set(module, name);
      }
    }
  }
  const linear = torch.built.filter((b) => b.module.className === 'Linear');
  return [...collapseRepeats(linear.map((b) => shown(b, names))), ...noteLines(ev.notes, PRELUDE)];
}

/**
 * The toy's expected layers as PyTorch reports them: a module records no certainty, so no
 * `[uncertain]`; and the case runs one call deep (inside `forward`), and the recursion limit counts
 * every call as Python's does, so a recursion that is cut builds one layer fewer before the cut.
 */
function expectedFor(expected: string): string {
  return expected
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(' [uncertain]', '').replace(/^(Layer\(1\)) ×40$/, '$1 ×39'))
    .join('\n');
}

describe('Python-semantics corpus (PyTorch)', () => {
  before(loadGrammar);
  for (const file of readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.txt'))) {
    describe(file, () => {
      for (const testCase of parseCorpus(readFileSync(join(CORPUS_DIR, file), 'utf8'))) {
        it(testCase.title, () => {
          assert.equal(run(testCase.code).join('\n'), expectedFor(testCase.expected));
        });
      }
    });
  }
});
