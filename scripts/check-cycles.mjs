// `node scripts/check-cycles.mjs` (part of `npm run lint`): no import cycles in src/ and webview/,
// type-only imports included (a type-only cycle still ties the files' meaning together).
//
// Every import of src/**/*.ts and webview/**/*.ts is read with the TypeScript compiler API and relative
// specifiers are resolved to files. Cycles are the strongly connected components of two graphs:
//   - files: one file importing another;
//   - folders: the same imports between folders (a file directly in src/, src/core/ or webview/ is
//     its own node), so that two folders leaning on each other (advice/ → pytorch/ → advice/) count
//     even when no chain of single files closes the loop.
// Known cycles are listed in scripts/cycles-baseline.json, each as its level and the exact set of its
// members. The check fails
//   - on a component that is not listed (a new cycle, or a known one that grew or changed), and
//   - on a listed entry that no longer exists as a component (delete or shrink it: the baseline only shrinks).
// `--list` prints every component with the imports that close it, and exits 0. `--root <dir>` and
// `--baseline <file>` check another tree (the unit test's).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The value after a command-line flag (`--root dir`), if given. */
function option(flag) {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

// --root and --baseline let the unit test run the check on a small tree of its own.
const root = path.resolve(option('--root') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const baselineFile = path.resolve(option('--baseline') ?? path.join(root, 'scripts', 'cycles-baseline.json'));
const FOLDERS = ['src', 'webview'];

/** Every .ts file under a folder, as a path relative to the root with forward slashes. */
function tsFiles(folder) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') {
          walk(relative);
        }
      } else if (entry.name.endsWith('.ts')) {
        out.push(relative);
      }
    }
  };
  if (fs.existsSync(path.join(root, folder))) {
    walk(folder);
  }
  return out;
}

/** Every module specifier a file names: imports and re-exports (type-only too), `import x = require()`, `import()` and `import('x').T`. */
function specifiersOf(file) {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const literal = (node) => (node && ts.isStringLiteralLike(node) ? out.push(node.text) : undefined);
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      literal(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      literal(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      literal(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      literal(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The file a relative specifier names (`./x`, `./x.js`, `./x/index`), or undefined for packages and non-TS files. */
function resolve(from, specifier, known) {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}/index.ts`]) {
    if (known.has(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Tarjan's strongly connected components (iterative: deep import chains must not overflow the stack). */
function components(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) {
      continue;
    }
    const work = [{ node: start, edges: [...graph.get(start)], next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.edges.length) {
        const to = frame.edges[frame.next++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edges: [...graph.get(to)], next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(to)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const members = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.node);
        out.push(members);
      }
    }
  }
  return out;
}

/** Files directly in these folders are nodes of their own in the folder graph (they are single concepts, not modules). */
const LOOSE_FILE_FOLDERS = new Set(['src', 'src/core', 'webview']);

/** The node of a file in the folder graph. */
function folderOf(file) {
  const folder = path.posix.dirname(file);
  return LOOSE_FILE_FOLDERS.has(folder) ? file : folder;
}

/** The cyclic components of a graph given as edges (from, to, and the file import that makes the edge). */
function cyclesOf(level, nodes, edges) {
  const graph = new Map(nodes.map((node) => [node, new Set()]));
  for (const edge of edges) {
    graph.get(edge.from).add(edge.to);
  }
  return components(graph)
    .filter((members) => members.length > 1 || graph.get(members[0]).has(members[0]))
    .map((members) => {
      const inside = new Set(members);
      const imports = edges.filter((edge) => inside.has(edge.from) && inside.has(edge.to)).map((edge) => edge.via);
      return { level, members: members.sort(), imports: [...new Set(imports)].sort() };
    });
}

const files = FOLDERS.flatMap(tsFiles);
const known = new Set(files);
const fileEdges = [];
for (const file of files) {
  for (const specifier of specifiersOf(file)) {
    const target = resolve(file, specifier, known);
    if (target) {
      fileEdges.push({ from: file, to: target, via: `${file} → ${target}` });
    }
  }
}
const folderEdges = fileEdges.map((edge) => ({ ...edge, from: folderOf(edge.from), to: folderOf(edge.to) })).filter((edge) => edge.from !== edge.to);
// A folder cycle of loose files only is a file cycle, already reported as such.
const folderCycles = cyclesOf('folder', [...new Set(files.map(folderOf))], folderEdges).filter((cycle) => cycle.members.some((member) => !known.has(member)));
const cycles = [...cyclesOf('file', files, fileEdges), ...folderCycles].sort((a, b) => (a.level + a.members[0] < b.level + b.members[0] ? -1 : 1));
const keyOf = (level, members) => `${level}:${[...members].sort().join('\n')}`;

if (process.argv.includes('--list')) {
  console.log(`${cycles.length} import cycle(s) among ${files.length} files`);
  for (const cycle of cycles) {
    console.log(
      `- ${cycle.level} cycle of ${cycle.members.length}:\n    ${cycle.members.join('\n    ')}\n  by the imports\n    ${cycle.imports.join('\n    ')}`,
    );
  }
  process.exit(0);
}

/** @type {{ cycles: { level: 'file' | 'folder', members: string[], note: string }[] }} */
const baseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8'));
const current = new Map(cycles.map((cycle) => [keyOf(cycle.level, cycle.members), cycle]));
const listed = new Set(baseline.cycles.map((entry) => keyOf(entry.level, entry.members)));
const problems = [];
for (const [key, cycle] of current) {
  if (!listed.has(key)) {
    problems.push(
      `a ${cycle.level} import cycle that the baseline does not list:\n    ${cycle.members.join('\n    ')}\n  by the imports\n    ${cycle.imports.join('\n    ')}`,
    );
  }
}
for (const entry of baseline.cycles) {
  if (!current.has(keyOf(entry.level, entry.members))) {
    problems.push(
      `a baseline ${entry.level} cycle that no longer exists as listed (${entry.note}); remove or shrink its entry in scripts/cycles-baseline.json:\n    ${entry.members.join('\n    ')}`,
    );
  }
}
if (problems.length > 0) {
  console.error(`check-cycles: ${problems.length} problem(s) (\`node scripts/check-cycles.mjs --list\` shows every cycle)\n`);
  for (const problem of problems) {
    console.error(`- ${problem}\n`);
  }
  process.exit(1);
}
console.log(`check-cycles: ${files.length} files, ${cycles.length} cycle(s), all in the baseline`);
