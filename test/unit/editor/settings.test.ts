/** package.json's contributed configuration and the settings schema in code agree, key by key. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS } from '../../../src/editor/settingsSchema';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Record<string, unknown>> }; commands: { command: string; title: string; category: string }[] };
};

const english = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;

/** The English text of a manifest string, which may be a %key% of package.nls.json. */
function localized(value: unknown): unknown {
  const match = typeof value === 'string' ? /^%(.+)%$/.exec(value) : null;
  return match ? english[match[1]!] : value;
}

describe('settings', () => {
  it('package.json declares exactly the settings of settingsSchema.ts, with the same type, default and enum', () => {
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
      assert.equal(localized(entry.description ?? entry.markdownDescription), schema.description, key);
    }
  });

  it('commands have Title Case labels in the Init Lens category', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(localized(command.category), 'Init Lens');
      assert.match(localized(command.title) as string, /^([A-Z][\w-]*)( ([A-Z][\w-]*|to|in|a|the|of|for|with|on))*$/, command.title);
    }
  });
});
