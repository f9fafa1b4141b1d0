/**
 * The variance-preview webview in a real browser: Debian chromium driven by playwright-core loads
 * the page that `previewHtml` builds (same CSP, as a <meta> tag) from a local server, with a stub of
 * `acquireVsCodeApi`, and the test plays the extension's part. Screenshots go to test-results/.
 * Run with `npm run test:webview` (builds dist/ first).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { simulateAnalytic } from '../../src/core/simulate/analytic';
import { resolveNetwork } from '../../src/core/simulate/resolve';
import { makeNonce, previewHtml } from '../../src/editor/previewHtml';
import type { PreviewModel } from '../../src/protocol/preview';
import { translatedPreviewStrings } from '../../src/protocol/previewStrings';
import previewModels from './fixtures/previewModels.json';
import { darkHighContrast, darkModern, lightModern } from './vscodeTheme';

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');
const media = path.join(root, 'media');
const resultsDir = path.join(root, 'test-results');
/** The files the page may load, as the extension's localResourceRoots would allow. */
const servedFiles = new Set(['webview.js', 'webview.js.map', 'webviewWorker.js']);
/** A fixture model with every layer simulated (its coverage as the extension would send it). */
function fullyCovered(model: unknown): PreviewModel {
  const preview = model as Omit<PreviewModel, 'coverage'>;
  return { ...preview, coverage: { simulated: preview.rows.length, total: preview.rows.length, leftOut: [] } };
}
const mlp = fullyCovered(previewModels.reluMlp);
const resBlock = fullyCovered(previewModels.resBlockNet);
const tanhStack = fullyCovered(previewModels.tanhStack);
/** The German l10n bundle, as `vscode.l10n.t` reads it in a German editor. */
const germanBundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.de.json'), 'utf8')) as Record<string, string>;

/** What the page stub (pageStub.js) is called with. */
interface StubOptions {
  theme: Record<string, string>;
  themeClass: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  /** What getState returns at first (a recreated webview sees its saved state). */
  savedState: unknown;
}

const stubSource = fs.readFileSync(path.join(__dirname, 'pageStub.js'), 'utf8');

interface PageRecord {
  posted: { type: string; [key: string]: unknown }[];
  state: { version: number; controls: Record<string, unknown>; model: PreviewModel | null } | undefined;
  setStateCount: number;
  acquireCount: number;
  cspViolations: string[];
}

/** Layer names the analytic pass gives for `model` with the panel's default settings, less the pass-through ops the charts skip. */
function expectedLayers(model: PreviewModel, depthMultiplier = 1): string[] {
  const symbols = Object.fromEntries(model.symbols.map((symbol) => [symbol.name, symbol.value]));
  return simulateAnalytic(resolveNetwork(model.current, { symbols, depthMultiplier, inputVariance: 1 }))
    .filter((layer) => layer.type !== 'residual_begin' && layer.type !== 'flatten')
    .map((layer) => layer.name);
}

function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((candidate): candidate is string =>
    Boolean(candidate),
  );
  let found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    // CI installs Debian's chromium through the same script as the editor tests.
    spawnSync('bash', [path.join(root, 'scripts/vscode-tools.sh')], { stdio: 'inherit', cwd: root });
    found = candidates.find((candidate) => fs.existsSync(candidate));
  }
  if (!found) {
    throw new Error('chromium not found (set CHROMIUM_PATH)');
  }
  return found;
}

function ensureBuilt(): void {
  if (![...servedFiles].filter((file) => !file.endsWith('.map')).every((file) => fs.existsSync(path.join(dist, file)))) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit', cwd: root });
    assert.equal(build.status, 0, 'the build failed');
  }
}

/** Serves the page from `previewHtml` at /, the webview bundles under /dist/ and the stylesheet under /media/. */
async function startServer(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = `http://${request.headers.host}`;
    if (url.pathname === '/') {
      // `/?lang=de` is the page a German editor gets: the strings through the German bundle.
      const german = url.searchParams.get('lang') === 'de';
      const html = previewHtml({
        ...(german ? { l10n: { locale: 'de', strings: translatedPreviewStrings((message) => germanBundle[message] ?? message) } } : {}),
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/dist/webview.js`,
        workerUri: `${origin}/dist/webviewWorker.js`,
        styleUri: `${origin}/media/preview.css`,
      });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    const distFile = url.pathname.startsWith('/dist/') ? url.pathname.slice('/dist/'.length) : '';
    const file = servedFiles.has(distFile) ? path.join(dist, distFile) : url.pathname === '/media/preview.css' ? path.join(media, 'preview.css') : '';
    if (!file || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.map') ? 'application/json' : 'text/javascript';
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Painted pixels of a canvas, and how many are close to each of `colors` (#rrggbb). */
async function canvasInk(page: Page, selector: string, colors: string[]): Promise<{ painted: number; total: number; near: number[] }> {
  return page.locator(selector).evaluate((element, hexColors) => {
    // Read a copy, so the chart's own canvas is not switched to (slow) readback mode.
    const source = element as HTMLCanvasElement;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) {
      return { painted: 0, total: 0, near: hexColors.map(() => 0) };
    }
    context.drawImage(source, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const targets = hexColors.map((hex) => [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16)));
    const near = targets.map(() => 0);
    let painted = 0;
    for (let index = 0; index < data.length; index += 4) {
      if (data[index + 3] === 0) {
        continue;
      }
      painted++;
      targets.forEach(([r, g, b], target) => {
        if (data[index + 3] > 200 && Math.abs(data[index] - r) + Math.abs(data[index + 1] - g) + Math.abs(data[index + 2] - b) < 16) {
          near[target]++;
        }
      });
    }
    return { painted, total: data.length / 4, near };
  }, colors);
}

describe('variance preview webview in chromium', function () {
  this.timeout(120_000);
  let server: http.Server;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];
  const consoleProblems: string[] = [];

  async function openPanel(stub: StubOptions, query = ''): Promise<Page> {
    const opened = await context.newPage();
    opened.on('pageerror', (error) => pageErrors.push(error.message));
    opened.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning' || /Content Security Policy/i.test(message.text())) {
        consoleProblems.push(`${message.type()}: ${message.text()}`);
      }
    });
    opened.on('worker', (worker) => worker.on('console', (message) => message.type() === 'error' && consoleProblems.push(`worker: ${message.text()}`)));
    await opened.addInitScript({ content: `${stubSource}\ninstallInitLensStub(${JSON.stringify(stub)});` });
    await opened.goto(`${origin}/${query}`);
    await opened.waitForFunction(() => (window as unknown as { __initLensTest: PageRecord }).__initLensTest.posted.some((message) => message.type === 'ready'));
    return opened;
  }

  const record = (target: Page = page) => target.evaluate(() => (window as unknown as { __initLensTest: PageRecord }).__initLensTest);
  const postToPage = (message: unknown, target: Page = page) => target.evaluate((data) => window.postMessage(data, '*'), message);
  const methodSelect = () => page.locator('.field', { hasText: 'Method' }).locator('vscode-single-select');
  /** Runs `action` and returns the next message of `type` the page posts (chart.js handles clicks on the next animation frame). */
  const nextPosted = async (type: string, action: () => Promise<void>, target: Page = page) => {
    const before = (await record(target)).posted.length;
    await action();
    const handle = await target.waitForFunction(
      ([wanted, seen]) => (window as unknown as { __initLensTest: PageRecord }).__initLensTest.posted.slice(seen).find((message) => message.type === wanted),
      [type, before] as const,
    );
    return handle.jsonValue();
  };

  before(async () => {
    ensureBuilt();
    ({ server, origin } = await startServer());
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-webview-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: findChromium(),
      headless: true,
      viewport: { width: 380, height: 900 },
      deviceScaleFactor: 2,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await openPanel({ theme: darkModern, themeClass: 'vscode-dark', savedState: undefined });
  });

  after(async () => {
    await context?.close();
    server?.close();
    if (userDataDir) {
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  it('posts ready once, acquires the host API once and shows the empty state before a model arrives', async () => {
    const { posted, acquireCount } = await record();
    assert.deepEqual(posted, [{ type: 'ready' }]);
    assert.equal(acquireCount, 1);
    assert.match(await page.locator('.empty').innerText(), /Waiting for a model/);
  });

  it('renders both variance charts with one point per simulated layer, for both inits', async () => {
    await postToPage({ type: 'model', model: mlp });
    const layers = expectedLayers(mlp);
    assert.ok(layers.length >= mlp.rows.length, `the analytic pass gives ${layers.length} layers`);
    await page.locator('.panel-content').waitFor();
    const canvases = page.locator('.chart-section canvas');
    assert.equal(await canvases.count(), 2);
    for (let index = 0; index < 2; index++) {
      const canvas = canvases.nth(index);
      assert.equal(await canvas.getAttribute('data-point-count'), `${layers.length},${layers.length}`);
      const ink = await canvasInk(page, `.chart-section >> nth=${index} >> canvas`, [
        darkModern['--vscode-charts-red'],
        darkModern['--vscode-charts-blue'],
        darkModern['--vscode-charts-orange'],
      ]);
      assert.ok(ink.painted > ink.total * 0.02, `chart ${index} is drawn (${ink.painted} of ${ink.total} pixels painted)`);
      // Dark Modern's chart tokens: today's init in charts.red, the recommended one in charts.blue.
      assert.ok(
        ink.near[0] > 200 && ink.near[1] > 50,
        `chart ${index} draws the current (red: ${ink.near[0]} px) and recommended (blue: ${ink.near[1]} px) series`,
      );
      assert.equal(ink.near[2], 0, 'no series is drawn in the old orange');
    }
    assert.match(await page.locator('.status-text').innerText(), new RegExp(`^Analytic · ${layers.length} layers`));
    assert.equal(await page.locator('.coverage').innerText(), `Simulated ${mlp.rows.length} of ${mlp.rows.length} layers`);
  });

  it('lists one table row per layer with its activation, inits and factors', async () => {
    const rows = page.locator('.layer-table tbody tr');
    assert.equal(await rows.count(), mlp.rows.length);
    for (const [index, row] of mlp.rows.entries()) {
      const cells = await rows.nth(index).locator('th, td').allInnerTexts();
      assert.equal(cells[0].split('\n')[0], row.name);
      assert.deepEqual(cells.slice(1, 4), [row.activation, row.initNow, row.initRecommended]);
    }
    assert.match(await rows.nth(0).locator('td.numeric').innerText(), /×0\.17\s*→\s*×1\.00/);
    assert.equal(await page.locator('.layer-table thead th[scope="col"]').count(), 5);
    assert.equal(await page.locator('.layer-table tbody th[scope="row"]').count(), mlp.rows.length);
    assert.match(await page.locator('.layer-table caption').innerText(), /4 layers of ReluMlp/);
    assert.equal(await page.locator('[aria-live="polite"]').count(), 1);
  });

  it('reveals a layer from a chart point and from a table row', async () => {
    const layers = expectedLayers(mlp);
    const canvas = page.locator('.chart-section canvas').first();
    const points = ((await canvas.getAttribute('data-points')) ?? '').split(';').map((point) => point.split(',').map(Number));
    assert.equal(points.length, layers.length);
    const target = 1;
    const fromChart = await nextPosted('reveal', () => canvas.click({ position: { x: points[target][0], y: points[target][1] } }));
    assert.deepEqual(fromChart, { type: 'reveal', uri: mlp.uri, layer: layers[target] });
    const fromTable = await nextPosted('reveal', () => page.locator('.layer-table tbody tr', { hasText: 'fc3' }).getByRole('button').click());
    assert.deepEqual(fromTable, { type: 'reveal', uri: mlp.uri, layer: 'fc3' });
  });

  it('posts applyFix from "Apply recommended init"', async () => {
    const applyFix = await nextPosted('applyFix', () => page.locator('vscode-button', { hasText: 'Apply recommended init' }).click());
    assert.deepEqual(applyFix, { type: 'applyFix', uri: mlp.uri, model: 'ReluMlp' });
  });

  it('posts selectModel from the model picker', async () => {
    await page.locator('.model-picker vscode-single-select').click();
    const selectModel = await nextPosted('selectModel', () => page.getByRole('option', { name: 'ResBlockNet' }).click());
    assert.deepEqual(selectModel, { type: 'selectModel', uri: mlp.uri, model: 'ResBlockNet' });
    // The extension would now send ResBlockNet; it does not here, so pick the shown model back.
    await page.locator('.model-picker vscode-single-select').click();
    await page.getByRole('option', { name: 'ReluMlp' }).click();
  });

  it('switches the method when the extension asks (setMethod), as the method field does', async () => {
    await postToPage({ type: 'setMethod', method: 'analytic' });
    await page.waitForFunction(() => /^Analytic · /.test(document.querySelector('.status-text')?.textContent ?? ''));
    assert.equal(await methodSelect().evaluate((select) => (select as HTMLElement & { value: string }).value), 'analytic');
    const report = await nextPosted('monteCarloDone', async () => {
      await postToPage({ type: 'setMethod', method: 'montecarlo' });
    });
    assert.match(String(report?.kernel), /^wasm-(relaxed-)?simd$/);
    assert.equal(await methodSelect().evaluate((select) => (select as HTMLElement & { value: string }).value), 'montecarlo');
  });

  it('runs the Monte-Carlo pass in the worker and draws the histogram', async () => {
    await methodSelect().click();
    await page.getByRole('option', { name: 'Monte Carlo', exact: true }).click();
    await page.locator('vscode-textfield[title="Examples per Monte-Carlo pass"] input').fill('128');
    // The status reads `Running Monte Carlo…` while the worker runs, `Monte Carlo · … batch 128 · <time>` when done.
    await page.waitForFunction(() => /^Monte Carlo · .*batch 128/.test(document.querySelector('.status-text')?.textContent ?? ''), undefined, {
      timeout: 60_000,
    });
    const layers = expectedLayers(mlp);
    assert.match(await page.locator('.status-text').innerText(), new RegExp(`Monte Carlo · ${layers.length} layers, batch 128`));
    assert.equal(await page.locator('.chart-section canvas').first().getAttribute('data-point-count'), `${layers.length},${layers.length}`);
    // The worker inherits the page's CSP, which lets it compile the WebAssembly SIMD kernel.
    assert.match((await page.locator('.status').getAttribute('data-kernel')) ?? '', /^wasm-(relaxed-)?simd$/);
    // The run is reported to the extension (which logs it): each drawn layer's variance, and the kernel.
    const report = (await record()).posted.filter((message) => message.type === 'monteCarloDone').at(-1);
    assert.ok(report, 'a monteCarloDone message was posted');
    assert.match(String(report.kernel), /^wasm-(relaxed-)?simd$/);
    assert.equal(report.model, mlp.model);
    assert.deepEqual(
      (report.layers as { name: string }[]).map((layer) => layer.name),
      layers,
    );
    const histogram = page.locator('.histogram canvas');
    await histogram.waitFor();
    assert.equal(await histogram.getAttribute('data-point-count'), '40');
    const ink = await canvasInk(page, '.histogram canvas', [darkModern['--vscode-charts-blue']]);
    assert.ok(ink.painted > ink.total * 0.02, `the histogram is drawn (${ink.painted} px)`);
    // The layer picker switches the histogram and is kept in the state.
    await page.locator('.histogram .field', { hasText: 'Layer' }).locator('vscode-single-select').click();
    await page.getByRole('option', { name: 'fc2', exact: true }).click();
    assert.match((await histogram.getAttribute('aria-label')) ?? '', /at fc2 · Current init/);
    assert.equal((await record()).state?.controls.histogramLayer, 'fc2');
    fs.mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'webview-panel.png'), fullPage: true });
  });

  it('cancels a running Monte-Carlo pass', async () => {
    await page.locator('vscode-textfield[title="Examples per Monte-Carlo pass"] input').fill('8192');
    // Wait until the worker runs (not only the debounce), then check the page still answers at once.
    await page.waitForFunction(() => /^Running Monte Carlo · batch 8,192/.test(document.querySelector('.status-text')?.textContent ?? ''));
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.ok(Date.now() - started < 500, `the page draws a frame during the run (${Date.now() - started} ms)`);
    assert.equal(await page.locator('.status').getAttribute('data-state'), 'running', 'the 8192-example run is still going');
    await page.locator('.status vscode-button', { hasText: 'Cancel' }).click();
    assert.match(await page.locator('.status-text').innerText(), /cancelled/);
    // A cancelled run must not report later.
    await page.waitForTimeout(1500);
    assert.match(await page.locator('.status-text').innerText(), /cancelled/);
  });

  it('saves controls and the model with setState, and a recreated webview restores them', async () => {
    const { state, setStateCount } = await record();
    assert.ok(setStateCount > 0);
    assert.equal(state?.model?.model, 'ReluMlp');
    assert.equal(state?.controls.method, 'montecarlo');
    assert.equal(state?.controls.batch, 8192);
    const restored = await openPanel({ theme: darkModern, themeClass: 'vscode-dark', savedState: state });
    assert.equal(await restored.locator('.layer-table tbody tr').count(), mlp.rows.length);
    assert.equal(
      await restored.locator('vscode-textfield[title="Examples per Monte-Carlo pass"]').evaluate((field) => (field as HTMLInputElement).value),
      '8192',
    );
    await restored.close();
  });

  it('follows a new model and the depth multiplier, and says when the depth cannot apply', async () => {
    await methodSelect().click();
    await page.getByRole('option', { name: 'Analytic', exact: true }).click();
    const depthField = page.locator('vscode-textfield[title^="Repeat the model"] input');
    const pointCountIs = (count: number) =>
      page.waitForFunction(
        (expected) => document.querySelector('.chart-section canvas')?.getAttribute('data-point-count') === `${expected},${expected}`,
        count,
      );
    await postToPage({ type: 'model', model: tanhStack });
    await pointCountIs(expectedLayers(tanhStack).length);
    await depthField.fill('3');
    const deeper = expectedLayers(tanhStack, 3);
    assert.equal(deeper.length, 9);
    await pointCountIs(deeper.length);
    // A point of the second copy reveals the layer it repeats.
    const points = ((await page.locator('.chart-section canvas').first().getAttribute('data-points')) ?? '')
      .split(';')
      .map((point) => point.split(',').map(Number));
    const reveal = await nextPosted('reveal', () =>
      page
        .locator('.chart-section canvas')
        .first()
        .click({ position: { x: points[4][0], y: points[4][1] } }),
    );
    assert.deepEqual(reveal, { type: 'reveal', uri: tanhStack.uri, layer: 'layers.1' });
    // The ResNet block's output does not chain to its input: one copy, and a note.
    await postToPage({ type: 'model', model: resBlock });
    const layers = expectedLayers(resBlock);
    await pointCountIs(layers.length);
    // Said inline, under the depth field, not only among the notes.
    const depthNote = page.locator('.controls .field-note');
    assert.match(await depthNote.innerText(), /^Not applied: the output of ResBlockNet does not have the shape of its input/);
    assert.doesNotMatch(await page.locator('.notes-section').innerText(), /depth ×3 not applied/);
    await depthField.fill('1');
    await depthNote.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('.layer-table tbody tr').count(), resBlock.rows.length);
    assert.deepEqual(
      await page.locator('.layer-table tbody th button').allInnerTexts(),
      resBlock.rows.map((row) => row.name),
    );
    await page.screenshot({ path: path.join(resultsDir, 'webview-panel-resblock.png'), fullPage: true });
  });

  it('shows the empty state, then the next model', async () => {
    await postToPage({ type: 'empty', reason: 'No model in this file.' });
    await page.locator('.empty', { hasText: 'No model in this file.' }).waitFor();
    assert.equal(await page.locator('.panel-content').isHidden(), true);
    assert.equal((await record()).state?.model, null);
    await postToPage({ type: 'model', model: resBlock });
    await page.locator('.panel-content').waitFor();
  });

  it('recolours the charts when the theme changes to light', async () => {
    await page.evaluate(
      (theme) =>
        (window as unknown as { __initLensTest: { setTheme(theme: Record<string, string>, themeClass: string): void } }).__initLensTest.setTheme(
          theme,
          'vscode-light',
        ),
      lightModern,
    );
    const ink = await canvasInk(page, '.chart-section >> nth=0 >> canvas', [lightModern['--vscode-charts-blue'], darkModern['--vscode-charts-blue']]);
    assert.ok(ink.near[0] > 50, `light theme blue is drawn (${ink.near[0]} px)`);
    assert.equal(ink.near[1], 0, 'no dark theme blue is left');
    await page.screenshot({ path: path.join(resultsDir, 'webview-panel-light.png'), fullPage: true });
  });

  it('draws thicker lines and no translucent band in high contrast', async () => {
    const setTheme = (theme: Record<string, string>, themeClass: string) =>
      page.evaluate(
        ([vars, name]) =>
          (window as unknown as { __initLensTest: { setTheme(theme: Record<string, string>, themeClass: string): void } }).__initLensTest.setTheme(vars, name),
        [theme, themeClass] as const,
      );
    await setTheme(darkModern, 'vscode-dark');
    const dark = await canvasInk(page, '.chart-section >> nth=0 >> canvas', [darkModern['--vscode-charts-red']]);
    await setTheme(darkHighContrast, 'vscode-high-contrast');
    const highContrast = await canvasInk(page, '.chart-section >> nth=0 >> canvas', [darkHighContrast['--vscode-charts-red']]);
    assert.ok(highContrast.near[0] > dark.near[0] * 1.2, `high contrast lines are thicker (${highContrast.near[0]} vs ${dark.near[0]} red px)`);
    // After a theme change both axes still hold the whole band: [input variance/4, ·4] forward, and
    // [g/4, 4g] backward for g the gradient entering the last layer.
    const stats = simulateAnalytic(resolveNetwork(resBlock.current, { inputVariance: 1 })).filter(
      (layer) => layer.type !== 'residual_begin' && layer.type !== 'flatten',
    );
    const lastGradient = stats.at(-1)?.backward.gradInputVar ?? NaN;
    for (const [index, reference] of [1, lastGradient].entries()) {
      const [yMin, yMax] = ((await page.locator('.chart-section canvas').nth(index).getAttribute('data-y-range')) ?? '').split(',').map(Number);
      assert.ok(yMin <= reference / 4 && yMax >= reference * 4, `chart ${index}: axis [${yMin}, ${yMax}] holds the band around ${reference}`);
    }
    await page.screenshot({ path: path.join(resultsDir, 'webview-panel-high-contrast.png'), fullPage: true });
    await setTheme(darkModern, 'vscode-dark');
  });

  it('says at the top how much is simulated, and groups the notes by reason', async () => {
    const partial: PreviewModel = {
      ...resBlock,
      coverage: { simulated: 6, total: 13, leftOut: ['pool', 'attn.q', 'attn.k', 'attn.v', 'attn.out', 'head', 'norm'] },
      notes: [
        'pool (Conv2D) left out: this layer type is not simulated',
        'input: 3×32×32 (assumed)',
        'norm (Conv2D) left out: this layer type is not simulated',
        'head: activation swish is not simulated; treated as linear',
        'attn.q (Linear) left out: attention is not simulated',
      ],
    };
    await postToPage({ type: 'model', model: partial });
    await page.locator('.coverage', { hasText: 'of 13' }).waitFor();
    assert.equal(await page.locator('.coverage').innerText(), 'Simulated 6 of 13 layers; left out: pool, attn.q, attn.k, attn.v, attn.out, 2 more');
    assert.deepEqual(await page.locator('.note-group').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-group'))), [
      'notesLeftOut',
      'notesInput',
      'notesAssumptions',
    ]);
    assert.deepEqual(await page.locator('.note-group[data-group="notesLeftOut"] li').allInnerTexts(), [
      'Conv2D: this layer type is not simulated (pool, norm)',
      'Linear: attention is not simulated (attn.q)',
    ]);
    assert.equal(await page.locator('.note-group[data-group="notesLeftOut"] .note-group-heading').innerText(), 'Left out of the simulation');
    // The conversion's own coverage line is not repeated among the notes.
    assert.doesNotMatch(await page.locator('.notes-section').innerText(), /parametrised layers/);
  });

  it('shows an empty state instead of the charts when fewer than two layers are simulated', async () => {
    const single: PreviewModel = { ...mlp, coverage: { simulated: 1, total: 9, leftOut: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'] } };
    await postToPage({ type: 'model', model: single });
    const tooLittle = page.locator('.too-little');
    await tooLittle.waitFor();
    assert.match(await tooLittle.innerText(), /^Too little of ReluMlp is simulated to draw a curve \(1 of 9 layers\)/);
    assert.equal(await page.locator('.charts').isHidden(), true);
    assert.equal(await page.locator('.layer-table').isVisible(), true);
    assert.match(await page.locator('.coverage').innerText(), /^Simulated 1 of 9 layers; left out: c1, c2, c3, c4, c5, 3 more$/);
    await postToPage({ type: 'model', model: mlp });
    await page.locator('.charts').waitFor();
    assert.equal(await tooLittle.isHidden(), true);
  });

  it('speaks German through the l10n bundle, with German numbers', async () => {
    const german = await openPanel({ theme: darkModern, themeClass: 'vscode-dark', savedState: undefined }, '?lang=de');
    assert.equal(await german.locator('html').getAttribute('lang'), 'de');
    assert.match(await german.locator('.empty').innerText(), /Warten auf ein Modell/);
    await postToPage({ type: 'model', model: mlp }, german);
    await german.locator('.panel-content').waitFor();
    assert.equal(await german.locator('vscode-button', { hasText: 'Empfohlene Initialisierung anwenden' }).count(), 1);
    assert.equal(await german.locator('.coverage').innerText(), `${mlp.rows.length} von ${mlp.rows.length} Schichten simuliert`);
    assert.match(await german.locator('.status-text').innerText(), /^Analytisch · \d+ Schichten/);
    assert.equal(await german.locator('#forward-heading').textContent(), 'Vorwärts · Varianz der Aktivierungen');
    // A decimal comma: the factor per layer formatted for the German locale.
    assert.match(await german.locator('.layer-table tbody tr').first().locator('td.numeric').innerText(), /×0,17\s*→\s*×1,00/);
    await german.close();
  });

  it('reports no CSP violation, page error or console problem', async () => {
    const { cspViolations } = await record();
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleProblems, []);
  });
});
