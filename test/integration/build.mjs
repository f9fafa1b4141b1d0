// Bundles the extension-host test suite into out/integration/ (`vscode` and mocha stay external).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const entries = [
  'test/integration/index.ts',
  ...fs
    .readdirSync('test/integration')
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `test/integration/${f}`),
];
await esbuild.build({
  entryPoints: entries,
  outdir: 'out/integration',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
