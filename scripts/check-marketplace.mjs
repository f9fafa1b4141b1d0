// `npm run check:marketplace [-- FILE.vsix]`: checks the manifest against what the VS Code Marketplace
// (vsce) and Open VSX (ovsx) require or show, since ovsx cannot validate without a registry to
// publish to: the identity fields, the icon (a 128×128 PNG), the gallery banner, the links, the
// README's images (PNG files that exist; both registries refuse SVG images), CHANGELOG.md and
// LICENSE, and the CLI's `bin`. Given a .vsix, it also checks that the package holds those files and
// both entries. Prints each problem and exits 1 when there is one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const english = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const problems = [];
const check = (ok, message) => {
  if (!ok) {
    problems.push(message);
  }
};

/** A manifest string with its %key% resolved in English. */
const text = (value) => (typeof value === 'string' ? value.replace(/^%(.+)%$/, (_, key) => english[key] ?? value) : value);

/** Width and height of a PNG file, from its IHDR chunk (undefined when it is no PNG). */
function pngSize(file) {
  const bytes = fs.readFileSync(file);
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) {
    return undefined;
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The README's image paths (Markdown and HTML), relative ones only. */
function readmeImages() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g), ...readme.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1]);
  return images.filter((src) => !/^https?:/.test(src));
}

// Identity: ovsx and vsce both need name, publisher, version and engines.vscode.
const ID = /^[a-z0-9][a-z0-9-]*$/;
check(ID.test(manifest.name ?? ''), `name: "${manifest.name}" is not a lower-case id`);
check(ID.test(manifest.publisher ?? ''), `publisher: "${manifest.publisher}" is not a lower-case id`);
check(/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(manifest.version ?? ''), `version: "${manifest.version}" is not semver`);
check(typeof manifest.engines?.vscode === 'string' && /^\^?\d+\.\d+\.\d+$/.test(manifest.engines.vscode), 'engines.vscode: missing or not ^x.y.z');
check(typeof text(manifest.displayName) === 'string' && text(manifest.displayName).length > 0, 'displayName: missing');
const description = text(manifest.description);
check(typeof description === 'string' && description.length > 0 && description.length <= 200, 'description: missing or over 200 characters');
check(manifest.private === false, 'private: must be false to publish');
check(
  typeof manifest.license === 'string' && fs.existsSync(path.join(root, 'LICENSE')),
  'license: the field and a LICENSE file are needed (ovsx warns without them)',
);
// Links: ovsx warns without a repository; the Marketplace shows repository, bugs and homepage.
check(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/.test(manifest.repository?.url ?? ''), 'repository.url: not an https GitHub URL');
check(/^https:\/\//.test(manifest.bugs?.url ?? ''), 'bugs.url: not an https URL');
check(/^https:\/\//.test(manifest.homepage ?? ''), 'homepage: not an https URL');
// The icon: a PNG (the Marketplace refuses SVG icons), 128×128 at least and square.
const icon = manifest.icon && path.join(root, manifest.icon);
const size = icon && fs.existsSync(icon) ? pngSize(icon) : undefined;
check(size?.width === 128 && size?.height === 128, `icon: ${manifest.icon} is not a 128×128 PNG (${JSON.stringify(size)})`);
check(
  /^#[0-9a-fA-F]{6}$/.test(manifest.galleryBanner?.color ?? '') && ['dark', 'light'].includes(manifest.galleryBanner?.theme),
  'galleryBanner: needs a #rrggbb color and a dark or light theme',
);
check(Array.isArray(manifest.keywords) && manifest.keywords.length <= 30, 'keywords: at most 30');
for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) {
  check(fs.existsSync(path.join(root, file)), `${file}: missing`);
}
const images = readmeImages();
check(images.length > 0, 'README.md: no images');
for (const image of images) {
  const file = path.join(root, image);
  check(fs.existsSync(file) && pngSize(file) !== undefined, `README.md: ${image} is not a PNG file of the repository`);
}
// The CLI: `bin` names the built CLI, which the package's `prepack` builds.
check(manifest.bin?.['init-lens'] === './dist/cli.js', 'bin: init-lens must be ./dist/cli.js');

/** The file names inside a zip archive (the .vsix), read from its central directory. */
function zipEntries(file) {
  const bytes = fs.readFileSync(file);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) {
    throw new Error(`${file}: not a zip archive`);
  }
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    names.push(bytes.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

const vsix = process.argv[2];
if (vsix) {
  const entries = new Set(zipEntries(vsix));
  // vsce stores the README and the changelog in lower case, and the licence as LICENSE.txt.
  const inside = (file) => [file, file.toLowerCase(), `${file}.txt`].some((name) => entries.has(`extension/${path.posix.normalize(name)}`));
  check(fs.statSync(vsix).size < 2 * 1024 * 1024, `${vsix}: over 2 MB`);
  for (const file of [manifest.main, manifest.browser, manifest.icon, 'CHANGELOG.md', 'README.md', ...images.map((image) => image.replace(/^\.\//, ''))]) {
    check(inside(file), `${vsix}: lacks ${file}`);
  }
  check(inside('LICENSE'), `${vsix}: lacks the LICENSE`);
}

if (problems.length > 0) {
  for (const problem of problems) {
    console.error(`marketplace check: ${problem}`);
  }
  process.exit(1);
}
console.log(
  `marketplace check: ${manifest.publisher}.${manifest.name} ${manifest.version} is ready for vsce and ovsx${vsix ? `; ${path.basename(vsix)} holds the icon, ${images.length} README images, CHANGELOG.md and LICENSE` : ''}`,
);
