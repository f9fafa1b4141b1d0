/** package.json's contributed configuration and the settings schema in code agree, key by key. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_LIST } from '../../../src/core/advice/rules';
import { SETTINGS, settingValue, type SettingSchema } from '../../../src/editor/settingsSchema';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, Record<string, unknown>> }; commands: { command: string; title: string; category: string }[] };
};

const english = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;

/** The English text of a manifest string, which may be a %key% of package.nls.json. */
function localized(value: unknown): unknown {
  const match = typeof value === 'string' ? /^%(.+)%$/.exec(value) : null;
  return match ? english[match[1]!] : value;
}

describe('settings', () => {
  it('package.json declares exactly the settings of settingsSchema.ts, with the same type, default, enum and bounds', () => {
    const declared = manifest.contributes.configuration.properties;
    assert.deepEqual(
      Object.keys(declared).sort(),
      Object.keys(SETTINGS)
        .map((k) => `initLens.${k}`)
        .sort(),
    );
    for (const [key, schema] of Object.entries(SETTINGS)) {
      const entry = declared[`initLens.${key}`]!;
      assert.equal(entry.type, schema.type, key);
      assert.deepEqual(entry.default, schema.default, key);
      assert.deepEqual(entry.enum, 'enum' in schema ? schema.enum : undefined, key);
      assert.equal(entry.minimum, 'minimum' in schema ? schema.minimum : undefined, key);
      assert.equal(entry.maximum, 'maximum' in schema ? schema.maximum : undefined, key);
      assert.equal(localized(entry.description ?? entry.markdownDescription), schema.description, key);
      // enumDescriptions are the manifest's presentation of an enum, not part of the schema's values.
      const { enumDescriptions: _shown, ...additional } = (entry.additionalProperties ?? {}) as Record<string, unknown>;
      assert.deepEqual(entry.additionalProperties ? additional : undefined, 'additionalProperties' in schema ? schema.additionalProperties : undefined, key);
      assert.deepEqual(entry.propertyNames, 'propertyNames' in schema ? schema.propertyNames : undefined, key);
    }
  });

  it('offers a level for every rule code of the registry in initLens.rules, and keeps only codes with a level', () => {
    assert.deepEqual(
      SETTINGS.rules.propertyNames.enum,
      RULE_LIST.map((rule) => rule.code),
    );
    assert.deepEqual(SETTINGS.rules.additionalProperties.enum, ['off', 'hint', 'information', 'warning', 'error']);
    assert.deepEqual(settingValue('rules', { 'init-residual': 'off', 'init-relu': 'fatal', 'init-x': 'hint' }), { 'init-residual': 'off' });
    assert.deepEqual(settingValue('rules', 'off'), {});
    assert.equal(settingValue('diagnosticMode', 'everything'), 'openFilesOnly');
  });

  it('gives every numeric setting a minimum and a maximum around its default', () => {
    for (const [key, schema] of Object.entries(SETTINGS) as [string, SettingSchema][]) {
      if (schema.type === 'number') {
        assert.ok(schema.minimum !== undefined && schema.maximum !== undefined, key);
        assert.ok(schema.minimum <= (schema.default as number) && (schema.default as number) <= schema.maximum, key);
      }
    }
  });

  it('supports untrusted workspaces in a limited way, restricting exactly the settings marked restricted', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.equal(typeof localized(trust.description), 'string');
    const restricted = (Object.entries(SETTINGS) as [string, SettingSchema][]).filter(([, schema]) => schema.restricted).map(([key]) => `initLens.${key}`);
    assert.deepEqual([...(trust.restrictedConfigurations ?? [])].sort(), restricted.sort());
    assert.ok(restricted.includes('initLens.maxFileSize') && restricted.includes('initLens.exclude'), restricted.join(', '));
  });

  it('holds what a settings file holds to the schema: bounds, types and enums', () => {
    assert.equal(settingValue('maxFileSize', 1e12), 10_000_000);
    assert.equal(settingValue('maxFileSize', 10), 1000);
    assert.equal(settingValue('maxFileSize', 50_000), 50_000);
    assert.equal(settingValue('maxFileSize', Infinity), 2_000_000);
    assert.equal(settingValue('maxFileSize', NaN), 2_000_000);
    assert.equal(settingValue('maxFileSize', '1e12'), 2_000_000);
    assert.equal(settingValue('driftThreshold', 1), 1.1);
    assert.equal(settingValue('driftThreshold', 1e9), 1000);
    assert.equal(settingValue('severity.mismatch', 'fatal'), 'warning');
    assert.equal(settingValue('severity.mismatch', 'error'), 'error');
    assert.equal(settingValue('inlayHints.enabled', 'yes'), true);
    assert.equal(settingValue('inlayHints.enabled', false), false);
    assert.deepEqual(settingValue('exclude', ['**/a/**', 5, null, '**/b/**']), ['**/a/**', '**/b/**']);
    assert.deepEqual(settingValue('exclude', '**/a/**'), SETTINGS.exclude.default);
  });

  it('gives every setting a markdownDescription with a link, and every enum (nested ones too) a description per value', () => {
    for (const [key, entry] of Object.entries(manifest.contributes.configuration.properties)) {
      const markdown = localized(entry.markdownDescription);
      assert.equal(typeof markdown, 'string', key);
      assert.match(markdown as string, /\]\(https:\/\/[^)]+\)/, key);
      for (const schema of [entry, entry.additionalProperties as Record<string, unknown> | undefined]) {
        if (schema?.enum) {
          const shown = schema.enumDescriptions as unknown[] | undefined;
          assert.equal(shown?.length, (schema.enum as unknown[]).length, key);
          assert.ok(
            shown.every((text) => typeof localized(text) === 'string' && (localized(text) as string).length > 0),
            key,
          );
        }
      }
    }
  });

  it("links only to anchors the README has (its headings' GitHub slugs and its explicit ids), in every language", () => {
    const root = path.join(__dirname, '..', '..', '..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const anchors = new Set([
      ...[...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)),
      ...[...readme.matchAll(/<a id="([^"]+)">/g)].map((m) => m[1]!),
    ]);
    const files = fs.readdirSync(root).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f));
    let links = 0;
    for (const file of files) {
      for (const text of Object.values(JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>)) {
        for (const match of text.matchAll(/\(https:\/\/github\.com\/init-lens\/init-lens#([^)]+)\)/g)) {
          links++;
          assert.ok(anchors.has(match[1]!), `${file}: #${match[1]}`);
        }
      }
    }
    assert.ok(links >= 20, `${links} links`);
  });

  it('commands have Title Case labels in the Init Lens category', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(localized(command.category), 'Init Lens');
      assert.match(localized(command.title) as string, /^([A-Z][\w-]*)( ([A-Z][\w-]*|to|in|a|the|of|for|with|on))*$/, command.title);
    }
  });
});
