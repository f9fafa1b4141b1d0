/**
 * The mutations of the fuzzer: each turns a Python source (a fixture or an example) into a nearby,
 * often hostile, one: absurd numbers, huge repeat counts, deleted or duplicated lines, other line
 * endings, unbalanced brackets, splices of another file. Stacked one to four at a time.
 */
import type { Random } from './random';

/** Numbers that broke or could break sizes, variances and loops. */
const HOSTILE_NUMBERS = [
  '0',
  '-1',
  '1',
  '10**400',
  '2**60',
  '2**53 + 1',
  '10**9',
  '10**12',
  '1e308',
  '-1e308',
  '1e-320',
  "float('nan')",
  "float('inf')",
  '65536',
  '3.5',
  '-0.0',
  'True',
  'None',
];

/** Lines that stress repeat counts, recursion, composition and the text-derived parts. */
const HOSTILE_SNIPPETS = [
  'xs = [nn.Linear(8, 8)] * 10**12',
  's = "ab" * 10**12',
  'for _ in range(10**9):\n    pass',
  'def f(x):\n    return f(f(x))\nf(1)',
  'rnn = nn.LSTM(8, 8, num_layers=10**9)',
  'enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), num_layers=10**9)',
  'dense = layers.Dense(-1e308)',
  'x = "(*[?+\\\\"  # init-lens: ignore[(*',
  'while True:\n    pass',
  'lin = nn.Linear(10**400, 64)',
  'zero = nn.Linear(0, 5)',
  'seq = nn.Sequential(*[nn.Linear(4, 4) for _ in range(10**6)])',
];

const BRACKETS = ['(', ')', '[', ']', '{', '}', ':', ',', '"', "'", '\\', '\r', '\t', '\u00a0', '#', '='];

type Mutation = (text: string, random: Random, corpus: readonly string[]) => string;

const MUTATIONS: readonly Mutation[] = [
  replaceNumber,
  replaceNumber,
  insertSnippet,
  deleteLine,
  duplicateLines,
  swapLines,
  lineEndings,
  truncate,
  insertCharacter,
  deleteRange,
  spliceOther,
  replaceIdentifier,
];

/** One to four mutations of `text`; `corpus` is where splices come from. */
export function mutate(text: string, random: Random, corpus: readonly string[]): string {
  const count = 1 + random.below(4);
  let out = text;
  for (let i = 0; i < count; i++) {
    out = random.pick(MUTATIONS)(out, random, corpus);
  }
  return out;
}

function replaceNumber(text: string, random: Random): string {
  const numbers = [...text.matchAll(/\b\d+(?:\.\d+)?(?:e-?\d+)?\b/g)];
  if (numbers.length === 0) {
    return insertSnippet(text, random);
  }
  const match = random.pick(numbers);
  return text.slice(0, match.index) + random.pick(HOSTILE_NUMBERS) + text.slice(match.index + match[0].length);
}

/** A snippet at the indentation of a random line, after it. */
function insertSnippet(text: string, random: Random): string {
  const lines = text.split('\n');
  const at = random.below(lines.length);
  const indent = /^\s*/.exec(lines[at])![0];
  const snippet = random
    .pick(HOSTILE_SNIPPETS)
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
  lines.splice(at + 1, 0, snippet);
  return lines.join('\n');
}

function deleteLine(text: string, random: Random): string {
  const lines = text.split('\n');
  lines.splice(random.below(lines.length), 1);
  return lines.join('\n');
}

/** A block of lines repeated up to 200 times (long containers, many classes). */
function duplicateLines(text: string, random: Random): string {
  const lines = text.split('\n');
  const start = random.below(lines.length);
  const block = lines.slice(start, start + 1 + random.below(6));
  const times = random.pick([2, 3, 10, 200]);
  lines.splice(start, 0, ...Array.from({ length: times - 1 }, () => block).flat());
  return lines.join('\n');
}

function swapLines(text: string, random: Random): string {
  const lines = text.split('\n');
  const a = random.below(lines.length);
  const b = random.below(lines.length);
  [lines[a], lines[b]] = [lines[b], lines[a]];
  return lines.join('\n');
}

function lineEndings(text: string, random: Random): string {
  const ending = random.pick(['\r\n', '\r', '\n\r']);
  if (random.below(2) === 0) {
    return text.replace(/\n/g, ending);
  }
  // Only some lines: mixed endings.
  return text.replace(/\n/g, (match) => (random.below(3) === 0 ? ending : match));
}

function truncate(text: string, random: Random): string {
  return text.slice(0, random.below(text.length + 1));
}

function insertCharacter(text: string, random: Random): string {
  const at = random.below(text.length + 1);
  return text.slice(0, at) + random.pick(BRACKETS) + text.slice(at);
}

function deleteRange(text: string, random: Random): string {
  const at = random.below(text.length + 1);
  return text.slice(0, at) + text.slice(at + 1 + random.below(40));
}

/** Some lines of another corpus file in the middle of this one. */
function spliceOther(text: string, random: Random, corpus: readonly string[]): string {
  const other = random.pick(corpus).split('\n');
  const start = random.below(other.length);
  const piece = other.slice(start, start + 1 + random.below(20));
  const lines = text.split('\n');
  lines.splice(random.below(lines.length + 1), 0, ...piece);
  return lines.join('\n');
}

/** One identifier replaced, everywhere, by another of the same file. */
function replaceIdentifier(text: string, random: Random): string {
  const names = [...new Set(text.match(/\b[A-Za-z_]\w*\b/g) ?? [])];
  if (names.length < 2) {
    return text;
  }
  const from = random.pick(names);
  const to = random.pick(names);
  return text.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
}
