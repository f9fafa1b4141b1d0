/**
 * Markdown from literal text (src/core/advice/markdown.ts), checked with `marked`, the renderer VS
 * Code's hovers use: no name from source becomes a link, an image or HTML, and every name reads as
 * itself. Also the hint details of layers whose names are crafted Markdown.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { layerHint } from '../../../src/core/advice/hints';
import { code, codeSpan, commandLink, escapeMarkdown, markdownOf, plain, plainTextOf, strong } from '../../../src/core/advice/markdown';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

/** `marked` is an ES module: loaded once before the tests. */
let marked: (typeof import('marked', { with: { 'resolution-mode': 'import' } }))['marked'];

async function loadMarked(): Promise<void> {
  ({ marked } = await import('marked'));
}

const HOSTILE = [
  '[x](command:initLens.applyRecommendations?%5B%5D)',
  '![i](https://example.com/a.png)',
  '<img src=x>',
  'a)![j](https://example.com/b.png',
  '[r]: https://example.com/ref',
  'https://example.com www.example.com a@example.com',
  '<https://example.com>',
  '&lt;script&gt;',
  '`code` ``two`` *em* _em_ **strong** ~~del~~ $(zap)',
  '# heading\n- item\n[r]\n> quote',
  '| a | b |',
];

/** The text of rendered HTML: tags removed, marked's entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Rendered HTML without any element that links, embeds or runs something. */
function assertInert(html: string, context: string): void {
  assert.doesNotMatch(html, /<(a|img|script|iframe|svg|object|embed|input|h\d|blockquote|table)\b/i, `${context}\n${html}`);
}

/** Source text as the escapes show it: newlines as `\n`. */
const visible = (text: string) => text.replace(/\n/g, '\\n');

describe('markdown from literal text', () => {
  before(loadMarked);

  it('escapes crafted links, images, HTML, autolinks and block syntax into plain text that reads as itself', () => {
    for (const name of HOSTILE) {
      const html = marked.parse(escapeMarkdown(name), { async: false });
      assertInert(html, name);
      assert.equal(textOf(html).trim(), visible(name), name);
    }
  });

  it('shows control characters as escapes, so a name cannot start a new block', () => {
    assert.equal(escapeMarkdown('a\nb\r\tc\u0007'), 'a\\\\nb\\\\r\\\\tc\\\\u0007');
    assert.equal(codeSpan('a\nb'), '`a\\nb`');
  });

  it('fences code spans one backtick longer than the longest run inside, padding a leading or trailing backtick', () => {
    assert.equal(codeSpan('kaiming_normal'), '`kaiming_normal`');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('``x``'), '``` ``x`` ```');
    assert.equal(codeSpan(' x '), '`  x  `');
    assert.equal(codeSpan(''), '');
    for (const name of [...HOSTILE, '`', '``', ' ` ', 'a``b`c', '  ']) {
      const html = marked.parseInline(codeSpan(name), { async: false });
      assert.equal(html, `<code>${escapeHtml(visible(name))}</code>`, name);
    }
  });

  it('keeps any text literal, in plain, strong and code runs (property)', () => {
    const alphabet = fc.constantFrom(...'[]()!<>`*_#|\\:/@.&;-+= ax\n'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, minLength: 1, maxLength: 40 }), (name) => {
        const html = marked.parse(markdownOf([{ runs: [strong(name), plain(' · '), code(name), plain(name)] }]), { async: false });
        assertInert(html, name);
        assert.doesNotMatch(html, /<(?!\/?(p|strong|code)>)/, html);
      }),
      { numRuns: 500 },
    );
  });

  it('writes our command link with the label escaped and the arguments fully percent-encoded', () => {
    const args = ['file:///m.py', { model: 'M', layer: 'a)![j](https://example.com/b.png' }];
    const link = commandLink('Apply [it]', 'initLens.applyRecommendations', args);
    const html = marked.parseInline(link, { async: false });
    const anchors = [...html.matchAll(/<a href="([^"]*)"/g)];
    assert.equal(anchors.length, 1, html);
    assert.doesNotMatch(html, /<img/);
    const href = anchors[0]![1]!;
    assert.ok(href.startsWith('command:initLens.applyRecommendations?'), href);
    assert.deepEqual(JSON.parse(decodeURIComponent(href.slice(href.indexOf('?') + 1))), args);
    assert.equal(textOf(html), 'Apply [it]');
    assert.throws(() => commandLink('x', 'a)b', []));
  });

  it('renders paragraphs and consecutive bullets as one list', () => {
    const blocks = [{ runs: [strong('fc')] }, { bullet: true, runs: [plain('one')] }, { bullet: true, runs: [plain('two')] }];
    assert.equal(markdownOf(blocks), '**fc**\n\n- one\n- two');
    assert.equal(plainTextOf(blocks), 'fc\n- one\n- two');
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

describe('hint details of layers with crafted names', () => {
  before(loadGrammar);
  before(loadMarked);

  const source = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class Hostile(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.blocks = nn.ModuleDict({',
    '            "[x](command:initLens.applyRecommendations?%5B%5D)": nn.Linear(64, 64),',
    '            "![i](https://example.com/a.png)": nn.Linear(64, 64),',
    '        })',
    '        self.add_module("<img src=x>", nn.Linear(64, 64))',
    '        self.out = nn.Linear(64, 64)',
    '        nn.init.kaiming_normal_(self.out.weight, mode="`](https://example.com/m.png)", nonlinearity="relu")',
    '',
    '    def forward(self, x):',
    '        for block in self.blocks.values():',
    '            x = F.relu(block(x))',
    '        x = F.relu(getattr(self, "<img src=x>")(x))',
    '        return F.relu(self.out(x))',
    '',
  ].join('\n');

  it('names every crafted layer literally and renders none of them as a link, an image or HTML', () => {
    const { graph, advice } = analyzeFile(source, 'hostile.py');
    const model = graph.models[0]!;
    const names = model.layers.map((layer) => layer.name);
    assert.deepEqual(names, ['blocks.[x](command:initLens.applyRecommendations?%5B%5D)', 'blocks.![i](https://example.com/a.png)', '<img src=x>', 'out']);
    for (const layer of model.layers) {
      const hint = layerHint(
        layer,
        advice.signals.find((s) => s.layer === layer.name),
        1.25,
        'full',
      )!;
      assert.ok(hint, layer.name);
      const html = marked.parse(markdownOf(hint.details), { async: false });
      assertInert(html, layer.name);
      assert.ok(textOf(html).includes(layer.name), `${layer.name} reads as itself:\n${textOf(html)}`);
      assert.ok(plainTextOf(hint.details).startsWith(layer.name), plainTextOf(hint.details));
    }
    // The init argument from source is shown in a code span, literally.
    const out = layerHint(model.layers[3]!, undefined, 1.25, 'full')!;
    const html = marked.parse(markdownOf(out.details), { async: false });
    assertInert(html, 'out');
    assert.match(textOf(html), /kaiming_normal_\(mode="`\]\(https:\/\/example\.com\/m\.png\)", nonlinearity="relu"\)/);
  });

  it('Keras: a crafted name= is shown as text, in the model it belongs to', () => {
    const keras = [
      'import keras',
      'from keras import layers',
      'model = keras.Sequential([',
      '    layers.Dense(64, activation="relu", name="[k](https://example.com/k)"),',
      '    layers.Dense(64, activation="relu", name="<img src=x>"),',
      '    layers.Dense(10),',
      '])',
      '',
    ].join('\n');
    const { graph, advice } = analyzeFile(keras, 'keras_model.py');
    const model = graph.models[0]!;
    assert.deepEqual(
      model.layers.map((layer) => layer.name),
      ['[k](https://example.com/k)', '<img src=x>', 'dense'],
    );
    for (const layer of model.layers) {
      const hint = layerHint(
        layer,
        advice.signals.find((s) => s.layer === layer.name),
        1.25,
        'full',
        model.framework,
      )!;
      const html = marked.parse(markdownOf(hint.details), { async: false });
      assertInert(html, layer.name);
      assert.ok(textOf(html).includes(layer.name), textOf(html));
    }
  });
});
