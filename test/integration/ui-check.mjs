// The UI test: opens a model file in the workbench (code-server in Debian chromium, or a
// downloaded VS Code's web build is not needed: this runs only on the offline route) and checks,
// with screenshots kept in test-results/ as artifacts, that a squiggle, an inlay hint and the
// quick-fix menu with Init Lens' fix are on screen. Run by scripts/run-vscode-tests.mjs --ui.
import fs from 'node:fs';
import path from 'node:path';

const OUT = process.env.SHOT_DIR || path.resolve('test-results');

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
  if (violations.length > 0) {
    throw new Error(`CSP violations in the webview: ${violations.join(' | ')}`);
  }
}
