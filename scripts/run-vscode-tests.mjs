// Offline replacement for @vscode/test-electron's runTests():
// starts code-server (VS Code 1.139 server, remote Node extension host) on 127.0.0.1,
// opens the workbench in Debian chromium via playwright-core with the
// extensionDevelopmentPath / extensionTestsPath passed in the URL "payload"
// (same mechanism as VS Code's test/integration/browser and @vscode/test-web),
// and exits with the code the extension host reports through window.codeAutomationExit.
//
// usage: node run-vscode-tests.mjs --ext DIR --tests FILE.js --folder DIR
//          [--screenshot out.png] [--timeout 180] [--server code-server|vscode-server]
//        node run-vscode-tests.mjs --ext DIR --folder DIR --ui ui-script.mjs   (UI mode: default export gets { page, log })
//        add --web to run the development extension in the browser's web-worker extension host (its `browser` entry)
// env: CS_NODE, CS_DIR, CHROMIUM, RUNS_DIR, EXT_ENV (JSON env for the ext host), VSCODE_SETTINGS (JSON), VERBOSE
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';
import util from 'node:util';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf('--' + name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const vsix = opt('vsix') && path.resolve(opt('vsix'));
const ext = opt('ext') ? path.resolve(opt('ext')) : undefined;
const tests = opt('tests') && path.resolve(opt('tests'));
const folder = path.resolve(opt('folder'));
const shot = opt('screenshot');
const timeoutS = Number(opt('timeout', '180'));
const serverKind = opt('server', 'code-server');
const NODE = process.env.CS_NODE; // printed by setup.sh;
const CS = process.env.CS_DIR; // printed by setup.sh;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const t0 = Date.now();
const log = (...a) => console.log(`[runner +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const freePort = () =>
  new Promise((r) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
/** The `publisher.name` id of the extension in `dir`. */
function extensionId(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return `${manifest.publisher}.${manifest.name}`;
}
const port = Number(opt('port', 0)) || (await freePort());
const runsDir = process.env.RUNS_DIR || path.resolve('.vscode-test/runs');
fs.mkdirSync(runsDir, { recursive: true });
const tmp = fs.mkdtempSync(path.join(runsDir, 'run-'));
const mkd = (d) => (fs.mkdirSync(d, { recursive: true }), d);

const serverArgs =
  serverKind === 'code-server'
    ? [
        path.join(CS, 'out/node/entry.js'),
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        // built products only honour the URL payload (extensionDevelopmentPath/extensionTestsPath) with the smoke-test driver on
        '--vscode-option',
        'enable-smoke-test-driver',
        '--ignore-last-opened',
        '--config',
        path.join(tmp, 'config.yaml'),
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
      ]
    : [
        path.join(CS, 'lib/vscode/out/server-main.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--enable-smoke-test-driver',
        '--disable-telemetry',
        '--disable-workspace-trust',
        '--server-data-dir',
        path.join(tmp, 'server-data'),
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
      ];
// quiet, offline-friendly user settings (code-server: <user-data-dir>/User; VS Code server: same dir layout)
fs.mkdirSync(path.join(tmp, 'user-data', 'User'), { recursive: true });
fs.writeFileSync(
  path.join(tmp, 'user-data', 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'telemetry.telemetryLevel': 'off',
      'workbench.enableExperiments': false,
      'editor.inlayHints.enabled': 'on',
      // The browser workbench saves after 1 s by default (desktop VS Code does not): a test that edits, waits
      // for the re-analysis and reverts would, on a loaded machine, find its edit saved and leave it on disk.
      'files.autoSave': 'off',
      // --web: a development extension from the server runs where its kind says, and the workbench reads the
      // kind from this setting (the payload's extensionDevelopmentKind alone does not move it in a remote window).
      ...(argv.includes('--web') && ext ? { 'remote.extensionKind': { [extensionId(ext)]: ['web'] } } : {}),
      ...(process.env.VSCODE_SETTINGS ? JSON.parse(process.env.VSCODE_SETTINGS) : {}),
    },
    null,
    2,
  ),
);
if (vsix) {
  // The packaged extension, installed the way a user does (`--install-extension`), instead of a development path.
  const { spawnSync } = await import('node:child_process');
  const installed = spawnSync(
    NODE,
    [
      path.join(CS, 'out/node/entry.js'),
      '--extensions-dir',
      path.join(tmp, 'extensions'),
      '--user-data-dir',
      path.join(tmp, 'user-data'),
      '--install-extension',
      vsix,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: mkd(path.join(tmp, 'tmp')), XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') },
    },
  );
  log('install-extension:', (installed.stdout + installed.stderr).trim().split('\n').pop());
  if (installed.status !== 0) {
    process.exit(2);
  }
}
log('starting', serverKind, 'on port', port);
const server = spawn(NODE, serverArgs, {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    TMPDIR: mkd(path.join(tmp, 'tmp')),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    ...(process.env.EXT_ENV ? JSON.parse(process.env.EXT_ENV) : {}),
  },
});
const serverOut = fs.createWriteStream(path.join(tmp, 'server.log'));
for (const s of [server.stdout, server.stderr])
  s.on('data', (d) => {
    serverOut.write(d);
    if (process.env.VERBOSE) process.stdout.write(d);
  });
server.on('exit', (c) => log('server exited', c));

let browser;
const cleanup = async (code) => {
  try {
    await browser?.close();
  } catch {}
  server.kill('SIGTERM');
  log('exit code', code, '| server log:', path.join(tmp, 'server.log'));
  process.exit(code);
};
let page;
setTimeout(async () => {
  log(`TIMEOUT after ${timeoutS}s`);
  await page?.screenshot({ path: path.join(tmp, 'timeout.png') }).catch(() => {});
  cleanup(124);
}, timeoutS * 1000).unref();

// wait for the HTTP server
for (;;) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    if (r.status < 500) break;
  } catch {}
  if (server.exitCode !== null) {
    log('server died');
    await cleanup(2);
  }
  await new Promise((r) => setTimeout(r, 200));
}
log('server up');

browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
let exitCode;
const exited = new Promise((res) => {
  page.exposeFunction('codeAutomationExit', async (code) => {
    exitCode = code;
    res(code);
  });
});
await page.exposeFunction('codeAutomationLog', (type, args) => {
  if (process.env.VERBOSE) console.log(`[codeAutomationLog ${type}]`, ...args);
});
const pageLog = fs.createWriteStream(path.join(tmp, 'page-console.log'));
// Extension-host console output (mocha's reporter included) reaches the page console through the
// workbench log service as console.log('%c INFO', 'color: …', ...originalArgs). Re-format it in order.
const NOISE =
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin|^An iframe which has both|^The web worker extension host|^Failed to load resource|ENOTFOUND open-vsx\.org/;
let consoleChain = Promise.resolve();
page.on('console', (m) => {
  consoleChain = consoleChain.then(async () => {
    let vals;
    try {
      vals = await Promise.all(m.args().map((a) => a.jsonValue()));
    } catch {
      vals = [m.text()];
    }
    if (typeof vals[0] === 'string' && /^%c \w+$/.test(vals[0].trim())) vals = vals.slice(2);
    const line = vals.length ? util.format(...vals) : m.text();
    pageLog.write(`[${m.type()}] ${line}\n`);
    if (process.env.VERBOSE || !NOISE.test(line.trim())) console.log('  | ' + line);
  });
});
page.on('pageerror', (e) => log('pageerror', e.message));

const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = [...(ext ? [['extensionDevelopmentPath', remote(ext)]] : []), ['skipWelcome', 'true']];
// The workbench runs a development extension of kind `web` in the browser's web-worker extension host.
if (argv.includes('--web')) payload.push(['extensionDevelopmentKind', 'web']);
if (tests) payload.push(['extensionTestsPath', remote(tests)]);
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
log('open', url);
await page.goto(url);

if (tests) {
  const code = await exited;
  await consoleChain;
  log('extension tests finished, codeAutomationExit(', code, ')');
  if (shot) await page.screenshot({ path: shot }).catch((e) => log('screenshot failed', e.message));
  await cleanup(code);
} else {
  // UI mode: hand the page to a script
  const mod = await import(path.resolve(opt('ui')));
  let code = 0;
  try {
    await mod.default({ page, log, port, folder, ext });
  } catch (e) {
    log('UI script failed:', (e.message || String(e)).split('\n')[0]);
    code = 1;
    await page.screenshot({ path: path.join(tmp, 'failure.png') }).catch(() => {});
    log('failure screenshot:', path.join(tmp, 'failure.png'));
  }
  await cleanup(code);
}
