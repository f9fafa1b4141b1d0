// The UI test: opens a model file in the workbench (code-server in Debian chromium, or a
// downloaded VS Code's web build is not needed: this runs only on the offline route) and checks,
// with screenshots kept in test-results/ as artifacts, that a squiggle, an inlay hint and the
// quick-fix menu with Init Lens' fix are on screen. Run by scripts/run-vscode-tests.mjs --ui.
// With MEDIA_DIR set (`npm run screenshots`), it also writes the README's images there, cropped.
import fs from 'node:fs';
import path from 'node:path';

const OUT = process.env.SHOT_DIR || path.resolve('test-results');
const MEDIA = process.env.MEDIA_DIR;

/**
 * With MEDIA_DIR set, writes MEDIA_DIR/NAME.png: the page cropped to the union of the boxes of
 * `locators` (widened by a margin), so the README shows what matters at a readable size.
 */
async function mediaShot(page, name, locators) {
  if (!MEDIA) {
    return;
  }
  const boxes = (await Promise.all(locators.map((locator) => locator.boundingBox()))).filter(Boolean);
  if (boxes.length === 0) {
    throw new Error(`${name}: nothing to crop to`);
  }
  const margin = 24;
  const viewport = page.viewportSize();
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
  const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
  const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
  fs.mkdirSync(MEDIA, { recursive: true });
  await page.screenshot({ path: path.join(MEDIA, `${name}.png`), clip: { x, y, width: right - x, height: bottom - y } });
}

/** Hovers the first squiggle and waits for the hover that explains it (numbers, recommendation, links). */
async function showHover(page, log) {
  const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
  const box = await squiggle.boundingBox();
  await page.mouse.move(box.x + Math.min(8, box.width / 2), box.y + box.height / 2);
  const hover = page.locator('.monaco-hover', { hasText: 'init-relu' }).first();
  await hover.waitFor({ timeout: 30_000 });
  log('hover shows:', JSON.stringify((await hover.innerText()).split('\n').slice(0, 2)));
  await page.screenshot({ path: path.join(OUT, 'ui-1b-hover.png') });
  await mediaShot(page, 'squiggle-hover', [squiggle, hover]);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
}

export default async function ({ page, log }) {
  fs.mkdirSync(OUT, { recursive: true });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'deep_mlp.py' });
  await row.waitFor({ timeout: 60_000 });
  await row.dblclick();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });
  log('squiggle visible');
  // The compact hint of a default-init layer before ReLU (`⚠ ×0.17`).
  await page.locator('.monaco-editor .view-lines', { hasText: '×0.17' }).first().waitFor({ timeout: 30_000 });
  log('inlay hint visible');
  await page.screenshot({ path: path.join(OUT, 'ui-1-squiggle-and-hint.png') });
  if (process.env.UI_CHECK_SCOPE === 'activation') {
    return; // the packaging check only needs the extension to run from the installed .vsix
  }
  await showHover(page, log);
  // Put the cursor on the first squiggle and open the quick-fix menu.
  const box = await page.locator('.monaco-editor .squiggly-warning').first().boundingBox();
  await page.mouse.click(box.x + Math.min(8, box.width / 2), box.y + box.height / 2);
  const menu = page.locator('.action-widget', { hasText: 'init' });
  // The menu opens once the code actions for the cursor are computed: ask again until it shows.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await menu.first().waitFor({ timeout: 7_500 });
      break;
    } catch (error) {
      if (attempt === 4) {
        throw error;
      }
      await page.keyboard.press('Escape');
    }
  }
  log('quick-fix menu shows:', JSON.stringify((await menu.first().innerText()).split('\n').slice(0, 3)));
  await page.screenshot({ path: path.join(OUT, 'ui-2-quick-fix-menu.png') });
  await mediaShot(page, 'quick-fix', [menu.first(), page.locator('.monaco-editor .squiggly-warning').first()]);
  await page.keyboard.press('Escape');
  await showVariancePreview(page, log);
}

/**
 * Opens the variance preview from the command palette and waits, inside the webview's frames, for
 * the layer table and a drawn chart of the model under the cursor. CSP violations reported by the
 * webview fail the test.
 */
async function showVariancePreview(page, log) {
  const violations = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      violations.push(message.text());
    }
  });
  await page.keyboard.press('F1');
  await page.keyboard.type('Init Lens: Show Variance Preview');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Variance Preview' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  // A webview lives in an iframe (the host) holding another (the content).
  const content = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await content.locator('table tbody tr').nth(4).waitFor({ timeout: 90_000 });
  const rows = await content.locator('table tbody tr').count();
  const drawn = await content
    .locator('canvas')
    .first()
    .evaluate((canvas) => {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) {
        painted += data[i] > 0 ? 1 : 0;
      }
      return painted;
    });
  log(`variance preview: ${rows} layer rows, ${drawn} painted chart pixels`);
  if (drawn === 0) {
    throw new Error('the variance chart is empty');
  }
  await page.screenshot({ path: path.join(OUT, 'ui-3-variance-preview.png') });
  await mediaShot(page, 'variance-preview', [page.locator('.part.sidebar')]);
  // Monte Carlo runs in a Web Worker made from the worker bundle fetched from the extension: proof
  // that the worker loads under the real webview's origin and CSP.
  await content.locator('.field', { hasText: 'Method' }).locator('vscode-single-select').click();
  await content.getByRole('option', { name: 'Monte Carlo', exact: true }).click();
  await content.locator('.histogram canvas').waitFor({ timeout: 90_000 });
  const status = await content.locator('.status-text').innerText();
  log(`variance preview: ${status}`);
  if (!/^Monte Carlo · /.test(status)) {
    throw new Error(`the Monte-Carlo pass did not finish: ${status}`);
  }
  await content.locator('.histogram canvas').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, 'ui-4-variance-preview-monte-carlo.png') });
  await mediaShot(page, 'variance-preview-monte-carlo', [page.locator('.part.sidebar')]);
  if (violations.length > 0) {
    throw new Error(`CSP violations in the webview: ${violations.join(' | ')}`);
  }
}
