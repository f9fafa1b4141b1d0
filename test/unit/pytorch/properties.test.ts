/**
 * Properties, with fast-check: random edits of real model files never make the analysis throw, and
 * every fix it offers, applied, gives valid Python that the analysis then accepts (the fix is
 * complete and idempotent: no finding and no further fix for that layer).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../../src/core/engine';
import { graphJson } from '../../../src/core/graphJson';
import { applyEdits } from '../support/edits';
import { checkFix, hasSyntaxError, pythonSources, variants } from '../support/fixChecks';
import { loadGrammar } from '../support/python';

const SOURCES = pythonSources([path.join('test', 'fixtures', 'pytorch'), 'examples']);

/** The characters random insertions draw from: Python punctuation, whitespace, names and digits. */
const ALPHABET = [...'()[]{}:,.=+-*/ \n\tabcnnLinear0123456789\'"#'];

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; line: number }
  | { kind: 'swap'; line: number; other: number };

/** Positions are fractions of the text (or of its lines), so one mutation fits any text. */
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fraction, length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fraction,
    text: fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 16 }).map((chars) => chars.join('')),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fraction }),
  fc.record({ kind: fc.constant('swap' as const), line: fraction, other: fraction }),
);

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'delete': {
      const at = Math.floor(m.at * text.length);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'insert': {
      const at = Math.floor(m.at * (text.length + 1));
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicate': {
      const lines = text.split('\n');
      const line = Math.floor(m.line * lines.length);
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    }
    case 'swap': {
      const lines = text.split('\n');
      const a = Math.floor(m.line * lines.length);
      const b = Math.floor(m.other * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
  }
}

describe('properties', function () {
  this.timeout(20_000);
  before(loadGrammar);

  describe('random edits', () => {
    it('analyzeFile never throws on randomly edited fixtures, and every fix it offers lies inside the text', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: SOURCES.length - 1 }),
          fc.array(mutation, { minLength: 1, maxLength: 5 }),
          fc.boolean(),
          (index, mutations, crlf) => {
            let text = mutations.reduce(mutate, SOURCES[index]!.text);
            if (crlf) {
              text = text.replace(/\r?\n/g, '\r\n');
            }
            const analysis = analyzeFile(text, SOURCES[index]!.name);
            assert.ok(Array.isArray(analysis.graph.models) && Array.isArray(analysis.graph.notes));
            JSON.stringify(graphJson([analysis.graph]));
            for (const finding of analysis.advice.findings) {
              if (finding.fix) {
                applyEdits(text, finding.fix.edits);
              }
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    it('analyzeFile gives the same result for the same text (no state leaks between calls)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: SOURCES.length - 1 }), fc.array(mutation, { minLength: 0, maxLength: 2 }), (index, mutations) => {
          const text = mutations.reduce(mutate, SOURCES[index]!.text);
          const first = analyzeFile(text, 'same.py');
          analyzeFile(SOURCES[(index + 1) % SOURCES.length]!.text, 'other.py');
          const second = analyzeFile(text, 'same.py');
          assert.deepEqual(JSON.parse(JSON.stringify(second)), JSON.parse(JSON.stringify(first)));
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('fixes', () => {
    it('has fixtures and examples that offer fixes (the properties below are not vacuous)', () => {
      const withFixes = SOURCES.filter(({ text, name }) => analyzeFile(text, name).advice.findings.some((f) => f.fix));
      assert.ok(withFixes.length >= 5, `only ${withFixes.map((s) => s.name).join(', ')} offer fixes`);
    });

    for (const source of SOURCES) {
      it(`every fix for ${source.name} (LF, CRLF, tabs) parses and is idempotent`, () => {
        for (const variant of variants(source.text)) {
          const label = `${source.name}${variant.suffix}`;
          const analysis = analyzeFile(variant.text, label);
          const fixable = analysis.advice.findings.filter((f) => f.fix);
          if (fixable.length === 0) {
            continue;
          }
          assert.equal(hasSyntaxError(variant.text), false, `${label} parses before any fix`);
          for (const finding of fixable) {
            checkFix(variant.text, label, analysis, finding);
            if (variant.suffix === ' (tabs)') {
              for (const edit of finding.fix!.edits) {
                // Each inserted line after the first starts at column 0: one with text is indented with tabs
                // only; an empty one (the end of an inserted `import math\n`) is allowed, trailing blanks are not.
                for (const line of edit.newText.split(/\r\n|\r|\n/).slice(1)) {
                  if (line.length === 0) {
                    continue;
                  }
                  assert.match(line, /^\t*\S/, `${label}: ${finding.layer}: an inserted line is indented with tabs like the file`);
                }
              }
            }
          }
        }
      });
    }

    it('every fix for generated MLPs (import styles, activations, existing inits, indentation, line endings) parses and is idempotent', () => {
      const activations: Record<string, (x: string, F: string) => string> = {
        relu: (x, F) => `${F}.relu(${x})`,
        leaky_relu: (x, F) => `${F}.leaky_relu(${x}, 0.2)`,
        tanh: (x) => `torch.tanh(${x})`,
        sigmoid: (x) => `torch.sigmoid(${x})`,
        selu: (x, F) => `${F}.selu(${x})`,
        gelu: (x, F) => `${F}.gelu(${x})`,
        silu: (x, F) => `${F}.silu(${x})`,
        elu: (x, F) => `${F}.elu(${x})`,
      };
      const imports = [
        { lines: ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F'], nn: 'nn', F: 'F' },
        { lines: ['import torch', 'from torch import nn', 'import torch.nn.functional as F'], nn: 'nn', F: 'F' },
        { lines: ['import torch', 'import torch.nn as nn', 'from torch.nn import init', 'import torch.nn.functional as F'], nn: 'nn', F: 'F' },
        { lines: ['import math', 'import torch', 'import torch.nn'], nn: 'torch.nn', F: 'torch.nn.functional' },
      ];
      const inits: ((weight: string, nn: string) => string)[] = [
        (w, nn) => `${nn}.init.kaiming_uniform_(${w}, a=math.sqrt(5))`,
        (w, nn) => `${nn}.init.xavier_normal_(${w})`,
        (w, nn) => `${nn}.init.constant_(${w}, 0.01)`,
        (w) => `${w}.data.normal_(0, 0.001)`,
        (w) => `${w}.data.uniform_(-0.001, 0.001)`,
      ];
      const model = fc.record({
        depth: fc.integer({ min: 3, max: 6 }),
        width: fc.constantFrom(64, 128, 256),
        activation: fc.constantFrom(...Object.keys(activations)),
        imports: fc.constantFrom(...imports),
        init: fc.option(fc.constantFrom(...inits), { nil: null }),
        indent: fc.constantFrom('    ', '  ', '\t'),
        eol: fc.constantFrom('\n', '\r\n'),
      });
      fc.assert(
        fc.property(model, (m) => {
          const i1 = m.indent;
          const i2 = m.indent + m.indent;
          const lines = [...m.imports.lines, '', '', `class Net(${m.imports.nn}.Module):`, `${i1}def __init__(self):`, `${i2}super().__init__()`];
          for (let k = 0; k < m.depth; k++) {
            lines.push(`${i2}self.fc${k} = ${m.imports.nn}.Linear(${m.width}, ${m.width})`);
          }
          lines.push(`${i2}self.out = ${m.imports.nn}.Linear(${m.width}, 10)`);
          for (let k = 0; m.init && k < m.depth; k++) {
            lines.push(`${i2}${m.init(`self.fc${k}.weight`, m.imports.nn)}`);
          }
          lines.push('', `${i1}def forward(self, x):`);
          for (let k = 0; k < m.depth; k++) {
            lines.push(`${i2}x = ${activations[m.activation]!(`self.fc${k}(x)`, m.imports.F)}`);
          }
          lines.push(`${i2}return self.out(x)`, '');
          const text = lines.join(m.eol);
          const analysis = analyzeFile(text, 'generated.py');
          for (const finding of analysis.advice.findings.filter((f) => f.fix)) {
            checkFix(text, 'generated.py', analysis, finding);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
