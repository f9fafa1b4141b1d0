// `npm run bench`: bundles test/bench/bench.ts (with the sources it imports) into out/bench.js the way
// esbuild.mjs bundles the CLI, then runs it. Output: a Markdown table on stdout and BENCHMARKS.md.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outfile = path.join(root, 'out', 'bench.js');

/** As in esbuild.mjs: web-tree-sitter's CJS build, since its ESM build needs import.meta.url (shared/PARSER.md). */
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['test/bench/bench.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['web-tree-sitter/*', 'tree-sitter-python/*'],
  plugins: [webTreeSitterCjs],
});

const { main } = createRequire(import.meta.url)(outfile);
await main(root);
