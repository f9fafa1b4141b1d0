// `npm run test:integration`: the extension-host suite inside a real VS Code, through
// @vscode/test-electron's runTests, then (offline route) its editor suite again in the web-worker extension host. Where VS Code can be downloaded it does; where it cannot (this
// project's CI, no internet), the same runTests call runs code-server in Debian's chromium through a
// stand-in executable, after scripts/vscode-tools.sh installs it into .vscode-test/tools on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionDevelopmentPath = root;
const extensionTestsPath = path.join(root, 'out', 'integration', 'index.js');
const workspace = path.join(root, 'test', 'integration', 'workspace');

execFileSync(process.execPath, [path.join(root, 'test', 'integration', 'build.mjs')], { cwd: root, stdio: 'inherit' });

// The workspace's own files as they are now: each run starts from them (a run may leave an edit behind).
const tracked = fs
  .readdirSync(workspace, { withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => [entry.name, fs.readFileSync(path.join(workspace, entry.name))]);

/** Puts the workspace as each run expects it (a run before may have left an edit or a setting behind). */
function resetWorkspace() {
  for (const [name, bytes] of tracked) {
    fs.writeFileSync(path.join(workspace, name), bytes);
  }
  // The workspace's model files are the examples themselves (copied, so tests that edit them touch no tracked file).
  fs.copyFileSync(path.join(root, 'examples', 'mlp_default_init.py'), path.join(workspace, 'deep_mlp.py'));
  fs.copyFileSync(path.join(root, 'examples', 'resnet_good.py'), path.join(workspace, 'resnet_good.py'));
  fs.copyFileSync(path.join(root, 'examples', 'keras_mlp_default_init.py'), path.join(workspace, 'keras_mlp.py'));
  // The workspace's settings: the suite exercises the workspace scan, which runs in `workspace` mode only
  // (the default is openFilesOnly; the test of that mode switches to it and back). No project table is left over.
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'initLens.diagnosticMode': 'workspace' }, null, 2)}\n`);
  fs.rmSync(path.join(workspace, 'pyproject.toml'), { force: true });
}
resetWorkspace();

/** The .vsix must stay small and declare both hosts' entries, with both bundles, the icon, README images, CHANGELOG and LICENSE inside. */
function checkPackage(vsix) {
  const size = fs.statSync(vsix).size;
  if (size >= 2 * 1024 * 1024) {
    throw new Error(`the .vsix is ${(size / 1024 / 1024).toFixed(2)} MB, over the 2 MB limit`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const listed = execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], {
    cwd: root,
    encoding: 'utf8',
  }).split('\n');
  for (const entry of [manifest.main, manifest.browser]) {
    if (!entry || !listed.includes(path.posix.normalize(entry))) {
      throw new Error(`the .vsix lacks the entry ${entry} (main and browser must both be packaged)`);
    }
  }
  console.log(`packaging check: ${(size / 1024 / 1024).toFixed(2)} MB, entries ${manifest.main} and ${manifest.browser}`);
  // The Marketplace and Open VSX metadata, and the icon, README images, CHANGELOG and LICENSE inside the .vsix.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'check-marketplace.mjs'), vsix], { cwd: root, stdio: 'inherit' });
}

async function offline() {
  const tools = spawnSync('bash', [path.join(root, 'scripts', 'vscode-tools.sh'), path.join(root, '.vscode-test', 'tools')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (tools.status !== 0) {
    throw new Error('scripts/vscode-tools.sh failed');
  }
  for (const line of tools.stdout.split('\n')) {
    const [key, value] = line.split('=');
    if (key === 'CS_NODE' || key === 'CS_DIR') {
      process.env[key] = value;
    }
  }
  process.env.RUNS_DIR ??= path.join(root, '.vscode-test', 'runs');
  // Both hosts run even when the first fails, so one run says what fails where.
  const failed = [];
  try {
    await runTests({
      vscodeExecutablePath: path.join(root, 'scripts', 'code-shim.mjs'),
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [workspace],
    });
  } catch (error) {
    failed.push(`the suite failed in the desktop (Node) extension host: ${error?.message ?? error}`);
  }
  // The web run: the browser entry in the browser's web-worker extension host, with the editor suite,
  // the cold start and the web host's own checks (test/integration/web/index.ts).
  resetWorkspace();
  const web = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'run-vscode-tests.mjs'),
      '--ext',
      root,
      '--tests',
      path.join(root, 'out', 'integration-web', 'index.js'),
      '--folder',
      workspace,
      '--web',
      '--timeout',
      '600',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (web.status !== 0) {
    failed.push('the suite failed in the web-worker extension host');
  }
  resetWorkspace();
  if (failed.length > 0) {
    throw new Error(failed.join('; '));
  }
  // The UI test: the squiggle, an inlay hint and the quick-fix menu on screen, screenshots in test-results/.
  const ui = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'run-vscode-tests.mjs'),
      '--ext',
      root,
      '--folder',
      workspace,
      '--ui',
      path.join(root, 'test', 'integration', 'ui-check.mjs'),
      '--timeout',
      '300',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, SHOT_DIR: path.join(root, 'test-results') },
    },
  );
  if (ui.status !== 0) {
    throw new Error('the UI test failed (see the failure screenshot above)');
  }
  // The packaging check: the .vsix installs into the editor and the extension activates from it.
  const vsix = path.join(root, '.vscode-test', 'init-lens.vsix');
  execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '-o', vsix], {
    cwd: root,
    stdio: 'inherit',
  });
  checkPackage(vsix);
  const packaged = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'run-vscode-tests.mjs'),
      '--vsix',
      vsix,
      '--folder',
      workspace,
      '--ui',
      path.join(root, 'test', 'integration', 'ui-check.mjs'),
      '--timeout',
      '300',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, SHOT_DIR: path.join(root, 'test-results', 'packaged'), UI_CHECK_SCOPE: 'activation' },
    },
  );
  if (packaged.status !== 0) {
    throw new Error('the packaged extension did not install or activate');
  }
}

try {
  if (process.env.INIT_LENS_TEST_OFFLINE === '1') {
    await offline();
  } else {
    try {
      await runTests({ extensionDevelopmentPath, extensionTestsPath, launchArgs: [workspace, '--disable-extensions'] });
    } catch (error) {
      // No VS Code download here (getaddrinfo ENOTFOUND …): take the offline route.
      if (!/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|download/i.test(String(error?.message ?? error))) {
        throw error;
      }
      console.log('VS Code cannot be downloaded here; running the suite in code-server (scripts/run-vscode-tests.mjs).');
      await offline();
    }
  }
} catch (error) {
  console.error(`integration tests failed: ${error?.message ?? error}`);
  process.exit(1);
}
