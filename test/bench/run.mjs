// `npm run bench`: bundles test/bench/bench.ts (with the sources it imports) into out/bench.js the way
// esbuild.mjs bundles the CLI, then runs it. Output: a Markdown table on stdout and BENCHMARKS.md.
// With `--focus` (`npm run bench:focus`): test/bench/focus.ts instead, the two speed bars alone, printed only.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const focus = process.argv.includes('--focus');
const entry = focus ? 'focus' : 'bench';
const outfile = path.join(root, 'out', `${entry}.js`);

/** As in esbuild.mjs: web-tree-sitter's CJS build, since its ESM build needs import.meta.url (empty in CJS output). */
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: [`test/bench/${entry}.ts`],
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

if (focus) {
  await createRequire(import.meta.url)(outfile).main(root);
  process.exit(0);
}

// Sections written by hand from other suites' output (the in-editor cold start): kept across runs, at the end.
const HAND_WRITTEN = ['## Cold start in the editor'];
const benchmarks = path.join(root, 'BENCHMARKS.md');
const previous = fs.existsSync(benchmarks) ? fs.readFileSync(benchmarks, 'utf8') : '';
const kept = previous
  .split(/\n(?=## )/)
  .filter((section) => HAND_WRITTEN.some((heading) => section.startsWith(heading)))
  .map((section) => section.trim());

const { main } = createRequire(import.meta.url)(outfile);
await main(root);

// The simulation benchmark (written separately) prints its own Markdown section: run it through tsx,
// when it is there, and append its output to BENCHMARKS.md.
const simulateEntry = path.join(root, 'test', 'bench', 'simulateBench.ts');
if (fs.existsSync(simulateEntry)) {
  process.stderr.write('simulation benchmark (test/bench/simulateBench.ts)\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', simulateEntry], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`test/bench/simulateBench.ts failed (exit ${run.status})`);
  }
  const section = run.stdout.trim();
  console.log(`\n${section}`);
  fs.writeFileSync(benchmarks, `${fs.readFileSync(benchmarks, 'utf8').trimEnd()}\n\n${section}\n`);
  console.log('appended the simulation section to BENCHMARKS.md');
}

if (kept.length > 0) {
  fs.writeFileSync(benchmarks, `${fs.readFileSync(benchmarks, 'utf8').trimEnd()}\n\n${kept.join('\n\n')}\n`);
  console.log(`kept the hand-written section(s) of BENCHMARKS.md: ${kept.map((section) => section.split('\n')[0]).join(', ')}`);
}
