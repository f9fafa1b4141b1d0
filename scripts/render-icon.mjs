// Renders the Marketplace icon (media/icon.svg) to the 128×128 PNG the manifest's `icon` names
// (media/icon.png), in Debian's chromium through playwright-core, so the PNG is made, not drawn by hand.
// Run as `npm run icon`; commit the PNG it writes.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SIZE = 128;
const svgPath = fileURLToPath(new URL('../media/icon.svg', import.meta.url));
const pngPath = fileURLToPath(new URL('../media/icon.png', import.meta.url));

const svg = fs.readFileSync(svgPath, 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  // A transparent page, so the tile's rounded corners stay transparent in the PNG.
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: pngPath, omitBackground: true });
} finally {
  await browser.close();
}
console.log(`${pngPath}: ${fs.statSync(pngPath).size} bytes`);
