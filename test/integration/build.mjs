// Bundles the extension-host test suites: out/integration/ for the Node extension host (`vscode` and
// mocha stay external), and out/integration-web/index.js for the web-worker extension host (one
// bundle: that host's `require` knows only `vscode`, so mocha's browser build and an assert stand-in go in).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
/**
 * Mocha's browser build is a UMD script in a `"type": "module"` package: bundled as is, it would find
 * the host's CommonJS `exports` and `module` and replace the suite's exports. Run it as a script instead,
 * with those names hidden, so it sets the `mocha` global as in a browser.
 */
const mochaAsScript = {
  name: 'mocha-as-script',
  setup(build) {
    build.onLoad({ filter: /[\\/]mocha[\\/]mocha\.js$/ }, async (args) => ({
      contents: `(function (exports, module, define) {\n${await fs.promises.readFile(args.path, 'utf8')}\n}).call(globalThis);\n`,
      loader: 'js',
    }));
  },
};
await esbuild.build({
  entryPoints: ['test/integration/web/index.ts'],
  plugins: [mochaAsScript],
  outfile: 'out/integration-web/index.js',
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'es2022',
  external: ['vscode'],
  alias: { 'node:assert/strict': path.resolve('test/integration/web/assert.ts') },
  logLevel: 'warning',
});
