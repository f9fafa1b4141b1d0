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
  await page.locator('.monaco-editor .view-lines', { hasText: 'torch default' }).first().waitFor({ timeout: 30_000 });
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
}
