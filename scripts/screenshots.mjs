// `npm run screenshots`: regenerates the README's images (media/squiggle-hover.png, media/quick-fix.png,
// media/variance-preview.png, media/variance-preview-monte-carlo.png) by running the UI test
// (test/integration/ui-check.mjs) in code-server and chromium with MEDIA_DIR set; the images are
// its screenshots, cropped, never drawn by hand. Needs a build (it runs one) and the editor tools
// (scripts/vscode-tools.sh installs them on first use).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.join(root, 'test', 'integration', 'workspace');
const media = path.join(root, 'media');

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const tools = execFileSync('bash', [path.join(root, 'scripts', 'vscode-tools.sh'), path.join(root, '.vscode-test', 'tools')], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const env = { ...process.env, MEDIA_DIR: media, SHOT_DIR: path.join(root, 'test-results', 'screenshots') };
for (const line of tools.split('\n')) {
  const [key, value] = line.split('=');
  if (key === 'CS_NODE' || key === 'CS_DIR') {
    env[key] = value;
  }
}
// The UI test's model file, as the integration run places it (an untracked copy of the example).
fs.copyFileSync(path.join(root, 'examples', 'mlp_default_init.py'), path.join(workspace, 'deep_mlp.py'));
const run = spawnSync(
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
  { cwd: root, stdio: 'inherit', env },
);
if (run.status !== 0) {
  console.error('the UI test failed: the images in media/ may be partly updated');
  process.exit(1);
}
for (const name of ['squiggle-hover', 'quick-fix', 'variance-preview', 'variance-preview-monte-carlo']) {
  const file = path.join(media, `${name}.png`);
  console.log(`${path.relative(root, file)}: ${fs.statSync(file).size} bytes`);
}
