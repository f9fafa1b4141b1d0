/**
 * Localisation: every manifest string is a %key% with an English entry in package.nls.json and a
 * translation in each package.nls.<lang>.json; every `vscode.l10n.t` string in src has a translation
 * in each l10n bundle, with the same {n} placeholders; so is every string of the variance panel.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PREVIEW_STRINGS } from '../../../src/protocol/previewStrings';

const root = path.join(__dirname, '..', '..', '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** Every "%key%" value anywhere in the manifest. */
function manifestKeys(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    const match = /^%(.+)%$/.exec(value);
    if (match) {
      out.push(match[1]!);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item) => manifestKeys(item, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((item) => manifestKeys(item, out));
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The literal first arguments of `l10n.t(...)` calls in src/. */
function l10nStrings(): string[] {
  const strings = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) {
      strings.add(match[1]!.replace(/\\'/g, "'"));
    }
  }
  // The panel's strings are translated by the extension through vscode.l10n.t too (previewStrings.ts).
  Object.values(PREVIEW_STRINGS).forEach((text) => strings.add(text));
  return [...strings];
}

const placeholders = (text: string) => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

describe('localisation', () => {
  const manifest = readJson('package.json');
  const english = readJson('package.nls.json');
  const languages = fs.readdirSync(root).filter((f) => /^package\.nls\.[\w-]+\.json$/.test(f));
  const bundles = fs.readdirSync(path.join(root, manifest.l10n as string)).filter((f) => /^bundle\.l10n\.[\w-]+\.json$/.test(f));

  it('has at least one translation of the manifest and of the code strings', () => {
    assert.ok(languages.length > 0);
    assert.ok(bundles.length > 0);
  });

  it('resolves every %key% of package.json in English and in every translation', () => {
    const keys = manifestKeys(manifest);
    assert.ok(keys.length >= 10, `${keys.length} keys`);
    for (const key of keys) {
      assert.equal(typeof english[key], 'string', `package.nls.json: ${key}`);
      for (const file of languages) {
        assert.equal(typeof readJson(file)[key], 'string', `${file}: ${key}`);
      }
    }
    assert.deepEqual(Object.keys(english).sort(), [...new Set(keys)].sort(), 'package.nls.json has no stale keys');
  });

  it('translates every vscode.l10n.t string of the code, keeping its placeholders', () => {
    const strings = l10nStrings();
    assert.ok(strings.length >= 10, `${strings.length} strings`);
    for (const file of bundles) {
      const bundle = readJson(path.join(manifest.l10n as string, file));
      for (const text of strings) {
        const translated = bundle[text];
        assert.equal(typeof translated, 'string', `${file}: "${text}"`);
        assert.deepEqual(placeholders(translated as string), placeholders(text), `${file}: "${text}"`);
      }
      assert.deepEqual(
        Object.keys(bundle).filter((key) => !strings.includes(key)),
        [],
        `${file} has no stale strings`,
      );
    }
  });
});
