/**
 * Markdown built only from literal text: hovers and tooltips show layer names, init arguments and
 * other text read from the user's source, and a crafted name (`[x](command:…)`, `![i](https://…)`,
 * `<img src=x>`) must never become a link, an image or HTML. Text is kept as structured runs until
 * it is rendered here, where every run is escaped (or put in a code span) and only our own command
 * links are written as links. Pure: no `vscode` import.
 */

/** A run of literal text: plain, strong, emphasised or code. Its text is never read as Markdown. */
export interface TextRun {
  text: string;
  style?: 'strong' | 'emphasis' | 'code';
}

/** A paragraph, or a bullet item when `bullet` is set, made of runs. */
export interface TextBlock {
  bullet?: boolean;
  runs: TextRun[];
}

/** A plain run. */
export const plain = (text: string): TextRun => ({ text });
/** A strong run. */
export const strong = (text: string): TextRun => ({ text, style: 'strong' });
/** A code run (names and arguments from source). */
export const code = (text: string): TextRun => ({ text, style: 'code' });

/** C0/C1 controls and the Unicode line separators: a newline in a name could start a new Markdown block. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters shown as escapes (`\n`, `\u0007`), so no line break ever comes from source text. */
function visibleControls(text: string): string {
  return text.replace(CONTROL, (char) => {
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

/** Every ASCII punctuation character: CommonMark lets each be backslash-escaped, which makes it literal. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * Text that renders as itself in Markdown: every ASCII punctuation character is backslash-escaped
 * (links, images, emphasis, HTML, entities, autolinks such as `https://…` or `a@b.c`, headings,
 * tables), and control characters are shown as escapes.
 */
export function escapeMarkdown(text: string): string {
  return visibleControls(text).replace(PUNCTUATION, '\\$&');
}

/**
 * A code span showing `text` literally: fenced by one more backtick than its longest backtick run,
 * padded with a space where CommonMark would otherwise strip or merge one. Empty text gives ''.
 */
export function codeSpan(text: string): string {
  const visible = visibleControls(text);
  if (visible === '') {
    return '';
  }
  const longest = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end when both ends have one (and the span is not all spaces).
  const stripped = visible.startsWith(' ') && visible.endsWith(' ') && visible.trim() !== '';
  const pad = visible.startsWith('`') || visible.endsWith('`') || stripped ? ' ' : '';
  return `${fence}${pad}${visible}${pad}${fence}`;
}

/** One run as Markdown. */
function runMarkdown(run: TextRun): string {
  switch (run.style) {
    case 'code':
      return codeSpan(run.text);
    case 'strong':
      return run.text === '' ? '' : `**${escapeMarkdown(run.text)}**`;
    case 'emphasis':
      return run.text === '' ? '' : `*${escapeMarkdown(run.text)}*`;
    default:
      return escapeMarkdown(run.text);
  }
}

/** The blocks as Markdown: paragraphs separated by a blank line, consecutive bullets as one list. */
export function markdownOf(blocks: readonly TextBlock[]): string {
  let out = '';
  blocks.forEach((block, index) => {
    const line = block.runs.map(runMarkdown).join('');
    if (index > 0) {
      out += block.bullet && blocks[index - 1]!.bullet ? '\n' : '\n\n';
    }
    out += block.bullet ? `- ${line}` : line;
  });
  return out;
}

/** The blocks as plain text (one line each, bullets as `- `), for tests and plain-text consumers. */
export function plainTextOf(blocks: readonly TextBlock[]): string {
  return blocks.map((block) => `${block.bullet ? '- ' : ''}${block.runs.map((run) => run.text).join('')}`).join('\n');
}

/** Characters `encodeURIComponent` leaves alone although Markdown reads them (`)` ends a link target). */
const URI_UNSAFE = /[!'()*]/g;

/**
 * A Markdown link that runs one of our commands with arguments we built: the label is escaped and
 * the JSON arguments fully percent-encoded, so nothing in either can end the link or start another.
 */
export function commandLink(label: string, command: string, args: readonly unknown[]): string {
  if (!/^[\w.]+$/.test(command)) {
    throw new Error(`not a command id: ${command}`);
  }
  const query = encodeURIComponent(JSON.stringify(args)).replace(URI_UNSAFE, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${escapeMarkdown(label)}](command:${command}?${query})`;
}
