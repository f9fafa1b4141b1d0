/**
 * The walkthrough contributed in package.json: each step's media is a packaged file, each step's
 * buttons and completion events name commands that exist, and the example its first step opens
 * really shows the squiggle the next steps fix.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';

import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    walkthroughs: { id: string; steps: { id: string; description: string; media: Record<string, string>; completionEvents: string[] }[] }[];
  };
};
const english = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
/** Every package.nls file by language (`en` for package.nls.json). */
const languages: Record<string, Record<string, string>> = Object.fromEntries(
  fs
    .readdirSync(ROOT)
    .map((file) => /^package\.nls(?:\.([\w-]+))?\.json$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => [match[1] ?? 'en', JSON.parse(fs.readFileSync(path.join(ROOT, match[0]), 'utf8')) as Record<string, string>]),
);

/** A manifest value as VS Code shows it in a language: a `%key%` is looked up, English when the language lacks it. */
function resolve(value: string, strings: Record<string, string>): string {
  const key = /^%(.+)%$/.exec(value)?.[1];
  return key === undefined ? value : (strings[key] ?? english[key] ?? value);
}

/** VS Code's own commands the steps use. */
const BUILT_IN = new Set(['workbench.actions.view.problems']);

describe('walkthrough', () => {
  before(loadGrammar);
  const walkthrough = manifest.contributes.walkthroughs[0]!;
  const ours = new Set(manifest.contributes.commands.map((c) => c.command));

  it('walks through opening an example, the squiggle, the fix and the preview, in that order', () => {
    assert.deepEqual(
      walkthrough.steps.map((step) => step.id),
      ['openExample', 'seeSquiggle', 'applyFix', 'openPreview'],
    );
  });

  it('shows media that exist and are packaged (under media/), in every language, and names only existing commands', () => {
    for (const step of walkthrough.steps) {
      for (const [kind, value] of Object.entries(step.media)) {
        if (kind === 'altText') {
          continue;
        }
        // A `%key%` path is the manifest's own localisation: each package.nls file names its language's page.
        for (const [language, strings] of Object.entries(languages)) {
          const file = resolve(value, strings);
          assert.ok(file.startsWith('media/') && fs.existsSync(path.join(ROOT, file)), `${step.id} (${language}): ${file}`);
        }
      }
      const description = english[/^%(.+)%$/.exec(step.description)![1]!]!;
      const commands = [
        ...[...description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!),
        ...step.completionEvents.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
      ];
      assert.ok(commands.length > 0, `${step.id} has a button`);
      for (const command of commands) {
        assert.ok(ours.has(command) || BUILT_IN.has(command), `${step.id}: ${command}`);
      }
    }
  });

  it("gives the first step's page in German, with the same sections and the same code as the English one", () => {
    const media = walkthrough.steps[0]!.media.markdown!;
    const englishPage = fs.readFileSync(path.join(ROOT, resolve(media, languages.en!)), 'utf8');
    const germanPage = fs.readFileSync(path.join(ROOT, resolve(media, languages.de!)), 'utf8');
    assert.notEqual(germanPage, englishPage, 'the German page is its own file');
    const code = (page: string) => [...page.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
    const headings = (page: string) => page.split('\n').filter((line) => line.startsWith('#')).length;
    assert.deepEqual(code(germanPage), code(englishPage));
    assert.equal(headings(germanPage), headings(englishPage));
    assert.match(germanPage, /Standardinitialisierung/);
  });

  it('opens an example on which init-relu reports warnings (the squiggles the next steps fix)', () => {
    const text = fs.readFileSync(path.join(ROOT, 'media', 'walkthrough', 'example.py'), 'utf8');
    const findings = analyzeFile(text, 'example.py').advice.findings;
    assert.ok(
      findings.length > 0 && findings.every((f) => f.rule === 'init-relu' && f.severity === 'warning'),
      JSON.stringify(findings.map((f) => [f.rule, f.severity])),
    );
  });
});
