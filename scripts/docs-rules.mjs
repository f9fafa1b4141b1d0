// Writes the README's rules section from the rule registry (src/core/advice/rules.ts).
// Run as `npm run docs:rules`; with --check it only reports whether the README is up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withRulesSection } from '../src/core/advice/rulesMarkdown.ts';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const generated = withRulesSection(readme);
if (process.argv.includes('--check')) {
  if (generated !== readme) {
    console.error('README.md: the rules section is out of date; run npm run docs:rules');
    process.exit(1);
  }
} else if (generated !== readme) {
  writeFileSync(readmePath, generated);
  console.log('README.md: rules section written');
}
