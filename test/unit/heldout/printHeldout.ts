/**
 * Prints the held-out table (per file and overall) and every miss:
 * `node --import tsx test/unit/heldout/printHeldout.ts [--no-monte-carlo] [stem ...]`.
 */
import { loadGrammar } from '../support/python';
import { HELDOUT_STEMS, overall, scoreHeldout, type HeldoutScore, type Ratio } from './heldoutScore';

function cell(ratio: Ratio): string {
  return ratio.total === 0 ? '—' : `${(ratio.agree / ratio.total).toFixed(2)} (${ratio.agree}/${ratio.total})`;
}

function row(score: HeldoutScore): string {
  const figures = [score.recall, score.init, score.varW, score.activation, score.analytic, score.monteCarlo, score.coverage].map(cell);
  return `| ${score.stem} | ${score.model ?? '—'} | ${figures.join(' | ')} |`;
}

async function main(): Promise<void> {
  await loadGrammar();
  const args = process.argv.slice(2);
  const monteCarlo = !args.includes('--no-monte-carlo');
  const named = args.filter((arg) => !arg.startsWith('--'));
  const stems = named.length > 0 ? named : HELDOUT_STEMS;
  const scores = stems.map((stem) => scoreHeldout(stem, { monteCarlo }));
  console.log('| file | model | layer recall | init | Var(W) ±2% | activation | analytic | Monte Carlo | coverage |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const score of scores) {
    console.log(row(score));
  }
  console.log(row(overall(scores)));
  for (const score of scores) {
    console.log(`\n## ${score.stem}\n${score.misses.join('\n')}`);
  }
}

void main();
