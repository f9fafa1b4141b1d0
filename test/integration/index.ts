/**
 * The extension-host test runner (what @vscode/test-electron's `extensionTestsPath` points at):
 * mocha over the bundled suites, resolving with the failure count.
 */
import Mocha from 'mocha';
import * as path from 'node:path';
import * as fs from 'node:fs';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js'))) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
