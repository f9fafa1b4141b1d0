// One build, a context per bundle: the extension (node/cjs, `vscode` external), its analysis worker, the CLI (node),
// the web extension with its analysis worker (browser), and the webview with its worker (browser/iife). `--production` minifies, `--watch` rebuilds.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.resolve('dist');

/**
 * web-tree-sitter's ESM build needs import.meta.url, which is empty in CJS output: Parser.init() then
 * throws ERR_INVALID_ARG_VALUE, and esbuild does not warn (the code is in node_modules). Use its CJS build.
 */
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: path.resolve('node_modules/web-tree-sitter/web-tree-sitter.cjs') }));
  },
};

/** esbuild does not copy the runtime and grammar wasm files: do it, so dist/ is self-contained. */
function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  fs.copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', path.join(dist, 'web-tree-sitter.wasm'));
  fs.copyFileSync('node_modules/tree-sitter-python/tree-sitter-python.wasm', path.join(dist, 'tree-sitter-python.wasm'));
}

/** Reports errors in the problem-matcher format of the esbuild VS Code sample. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
    });
  },
};

// The wasm files are looked up beside the bundle first; the package paths are a fallback for source runs.
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['web-tree-sitter/*', 'tree-sitter-python/*'],
  plugins: [webTreeSitterCjs, problemMatcher],
};

const configs = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  // The analysis worker (worker_threads), a bundle of its own: the extension starts it from dist/.
  { ...common, entryPoints: ['src/editor/analysisWorkerNode.ts'], outfile: 'dist/analysisWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
];
// The web extension (the `browser` entry, run in VS Code's web-worker extension host) and its analysis
// Web Worker. web-tree-sitter names Node modules in code it runs only under Node: left unresolved.
const web = { ...common, platform: 'browser', target: 'es2022', external: [...common.external, 'fs/promises', 'module'] };
configs.push({ ...web, entryPoints: ['src/extensionWeb.ts'], outfile: 'dist/web/extension.js', format: 'cjs', external: [...web.external, 'vscode'] });
configs.push({ ...web, entryPoints: ['src/editor/analysisWorkerWeb.ts'], outfile: 'dist/web/analysisWorker.js', format: 'iife' });
if (fs.existsSync('webview/src/main.ts')) {
  // The panel and its Monte-Carlo worker, each a classic script: the worker is started from a blob:
  // URL of dist/webviewWorker.js (webview/README.md). The panel's CSS is media/preview.css.
  const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };
  configs.push({ ...browser, entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js' });
  configs.push({ ...browser, entryPoints: ['webview/src/worker.ts'], outfile: 'dist/webviewWorker.js', sourcemap: production ? false : 'inline' });
}

copyWasm();
const contexts = await Promise.all(configs.map((config) => esbuild.context(config)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
