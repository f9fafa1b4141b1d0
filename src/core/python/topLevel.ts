/**
 * Splits Python source into top-level blocks by indentation: a line that starts at column 0
 * (not a comment, not a continuation inside brackets we cannot trust) opens a new block. Used when
 * the whole-file parse has errors, so that each class is parsed on its own (../shared/PARSER.md).
 */

/** One top-level block: its text and where it starts. */
export interface TopLevelBlock {
  text: string;
  startLine: number;
  startIndex: number;
}

/** Splits the text into top-level blocks; decorators stay with the definition they decorate. */
export function splitTopLevelBlocks(text: string): TopLevelBlock[] {
  const blocks: TopLevelBlock[] = [];
  const lines = text.split('\n');
  let start = 0;
  let startIndex = 0;
  let index = 0;
  let previousWasDecorator = false;
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line]!;
    const opensBlock = line > start && /^[A-Za-z_@]/.test(content) && !previousWasDecorator && !/^(else|elif|except|finally)\b/.test(content);
    if (opensBlock) {
      blocks.push({ text: lines.slice(start, line).join('\n'), startLine: start, startIndex });
      start = line;
      startIndex = index;
    }
    if (/^\S/.test(content)) {
      previousWasDecorator = content.startsWith('@');
    }
    index += content.length + 1;
  }
  blocks.push({ text: lines.slice(start).join('\n'), startLine: start, startIndex });
  return blocks;
}
