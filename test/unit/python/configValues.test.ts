/**
 * Values that configure models (issue 10 item 2), in the evaluator's library layer so that every
 * framework reads them: argparse defaults, Namespace / SimpleNamespace / ConfigDict objects,
 * config classes, and `getattr(module, name)` with the name taken from a call.
 */
import * as assert from 'node:assert/strict';
import { loadGrammar } from '../support/python';
import { run, value } from './evalHarness';

const PARSER = [
  'import argparse',
  'parser = argparse.ArgumentParser(description="train")',
  'parser.add_argument("--nz", type=int, default=100, help="latent size")',
  'parser.add_argument("--num-layers", type=int, default="4")',
  'parser.add_argument("--lr", type=float, default=2e-4)',
  'parser.add_argument("--cuda", action="store_true")',
  'parser.add_argument("--no-bias", dest="bias", action="store_false")',
  'parser.add_argument("--act", default="relu", choices=["relu", "gelu"])',
  'parser.add_argument("--resume", default="")',
  'parser.add_argument("--seed", type=int)',
  'parser.add_argument("--data", required=True)',
  'parser.add_argument("dataroot")',
  'group = parser.add_argument_group("model")',
  'group.add_argument("--ngf", type=int, default=64)',
].join('\n');

describe('values that configure models', () => {
  before(loadGrammar);

  it('gives argparse options their defaults as argparse does (type on string defaults, store_true/false, dest, groups)', () => {
    assert.equal(
      value('opt.nz, opt.num_layers, opt.lr, opt.cuda, opt.bias, opt.act, opt.resume, opt.seed, opt.ngf', `${PARSER}\nopt = parser.parse_args()`),
      "(100, 4, 0.0002, False, True, 'relu', '', None, 64)",
    );
  });

  it('leaves options given on the command line unknown, and says the others are taken at their defaults', () => {
    const script = run(`${PARSER}\nopt = parser.parse_args()\na = opt.data\nb = opt.dataroot\n`);
    assert.equal(script.show('a'), 'args.data');
    assert.equal(script.show('b'), 'args.dataroot');
    assert.ok(
      script.ev.notes.some((n) => /^line 15: the command-line options are taken at their defaults \(nz, num_layers/.test(n)),
      script.ev.notes.join('\n'),
    );
  });

  it('reads vars(args), parse_known_args, set_defaults and from-imports of ArgumentParser', () => {
    assert.equal(value('vars(args)["nz"], rest', `${PARSER}\nparser.set_defaults(nz=128)\nargs, rest = parser.parse_known_args()`), '(128, [])');
    assert.equal(
      value('a.width', 'from argparse import ArgumentParser\np = ArgumentParser()\np.add_argument("--width", default=32, type=int)\na = p.parse_args()'),
      '32',
    );
  });

  it('does not take defaults when parse_args is given arguments it does not parse', () => {
    const script = run(`${PARSER}\nopt = parser.parse_args(["--nz", "8"])\nn = opt.nz\n`);
    assert.match(script.show('n'), /parse_args\(.*\)\.nz$/);
  });

  it('reads Namespace, SimpleNamespace and ConfigDict configs with later updates', () => {
    assert.equal(value('ns.depth, sn.width', 'import argparse, types\nns = argparse.Namespace(depth=3)\nsn = types.SimpleNamespace(width=8)'), '(3, 8)');
    const config = [
      'import ml_collections',
      'def get_default_config():',
      '    config = ml_collections.ConfigDict()',
      '    config.num_layers = 12',
      '    config.model = ml_collections.ConfigDict({"width": 256})',
      '    return config',
      'config = get_default_config()',
      'config.num_layers = 6',
    ].join('\n');
    assert.equal(value('config.num_layers, config.model.width', config), '(6, 256)');
  });

  it('reads dataclass, NamedTuple and plain-class config defaults', () => {
    const setup = [
      'from dataclasses import dataclass',
      'from typing import NamedTuple',
      '@dataclass',
      'class TrainConfig:',
      '    width: int = 300',
      '    depth: int = 3',
      'class Sizes(NamedTuple):',
      '    vocab: int = 1000',
      'class Plain:',
      '    out = 7',
    ].join('\n');
    assert.equal(value('TrainConfig(depth=5).width, TrainConfig(depth=5).depth, Sizes().vocab, Plain.out, Plain().out', setup), '(300, 5, 1000, 7, 7)');
  });

  it('follows configs that fill themselves through __dict__.update, vars(self).update and setattr over d.items()', () => {
    const setup = [
      'class Config:',
      '    def __init__(self, **kwargs):',
      '        self.__dict__.update(kwargs)',
      '    def merge_from_dict(self, d):',
      '        self.__dict__.update(d)',
      'class Node:',
      '    def __init__(self, d):',
      '        for k, v in d.items():',
      '            setattr(self, k, v)',
      '    def merge(self, d):',
      '        vars(self).update(d)',
      'c = Config(model_type="nano", n_layer=None)',
      'sizes = {"nano": dict(n_layer=3, n_embd=48)}',
      'c.merge_from_dict(sizes[c.model_type])',
      'g = Node({"width": 5, "depth": 2})',
      'g.merge({"depth": 4})',
      'g.__dict__["act"] = "relu"',
      'del g.__dict__["width"]',
    ].join('\n');
    assert.equal(value('c.model_type, c.n_layer, c.n_embd, g.depth, g.act, hasattr(g, "width")', setup), "('nano', 3, 48, 4, 'relu', False)");
  });
});
