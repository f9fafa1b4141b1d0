/**
 * Suppression comments, as Ruff's `# noqa` works, read from the syntax tree's comments:
 *   `# init-lens: ignore[init-relu, init-gain]`  the named rules, on the finding's lines or alone on the line above;
 *   `# init-lens: ignore`                        every rule, in the same places;
 *   `# noqa: init-relu`                          the named rules, on the finding's lines only (codes of other tools are theirs);
 *   `# noqa`                                     every rule, on the finding's lines only (a bare noqa silences every tool, as in Ruff).
 * A finding's lines are those of its layer definition, so a comment on any line of a call that spans
 * several lines counts. Used by the editor, the workspace scan and the CLI alike.
 */
import { isRuleCode } from './advice/rules';
import type { Finding } from './advice/types';
import type { SourceComment } from './python/comments';

/** One directive found in a comment. */
export interface SuppressionDirective {
  kind: 'ignore' | 'noqa';
  /** The codes it names (as written, lower-cased), or null for every rule. */
  codes: string[] | null;
  /** The comment's line (0-based) and the directive's column there. */
  line: number;
  column: number;
  /** The comment stands alone on its line: an `init-lens: ignore` there also covers the line below. */
  ownLine: boolean;
}

/** A directive, or some of its codes, that silenced nothing. */
export interface UnusedSuppression {
  directive: SuppressionDirective;
  /** The codes that silenced nothing (empty for a blanket directive that silenced nothing). */
  codes: string[];
  /** Codes that are no rule of Init Lens. */
  unknown: string[];
}

const INIT_LENS = /#\s*init-lens:\s*ignore(?![\w-])(?:\s*\[([^\]]*)\])?/gi;
const NOQA = /#\s*noqa(?![\w-])(?::([^#]*))?/gi;
/** What a code looks like in a `noqa` list: Ruff's `E501`, or ours. */
const CODE_LIKE = /^(?:[a-z]+\d+|init-[a-z-]+)$/i;

/** The directives a comment holds (a comment may hold several: `# hidden  # init-lens: ignore[init-relu]`). */
export function directivesIn(comment: SourceComment): SuppressionDirective[] {
  const found: SuppressionDirective[] = [];
  for (const match of comment.text.matchAll(INIT_LENS)) {
    const list = match[1];
    const codes = list === undefined ? null : splitCodes(list);
    // `ignore[]` names nothing: it is no directive, rather than a blanket one.
    if (codes === null || codes.length > 0) {
      found.push({ kind: 'ignore', codes, line: comment.line, column: comment.column + match.index, ownLine: comment.ownLine });
    }
  }
  for (const match of comment.text.matchAll(NOQA)) {
    const codes = match[1] === undefined ? null : leadingCodes(splitCodes(match[1]));
    // `# noqa:` followed by no code is malformed; Ruff ignores it, and so do we.
    if (codes === null || codes.length > 0) {
      found.push({ kind: 'noqa', codes, line: comment.line, column: comment.column + match.index, ownLine: comment.ownLine });
    }
  }
  return found;
}

/** The codes at the head of a `noqa` list: `# noqa: E501 long line` names E501 only, as in Ruff. */
function leadingCodes(tokens: string[]): string[] {
  const end = tokens.findIndex((token) => !CODE_LIKE.test(token));
  return end < 0 ? tokens : tokens.slice(0, end);
}

function splitCodes(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((code) => code.trim().toLowerCase())
    .filter((code) => code !== '');
}

/** Every directive of the file's comments, in line order. */
export function suppressionDirectives(comments: readonly SourceComment[]): SuppressionDirective[] {
  return comments.flatMap(directivesIn);
}

/** True when the directive covers the finding's rule at the finding's lines. */
export function covers(directive: SuppressionDirective, finding: Finding): boolean {
  const first = finding.range.start.line;
  const last = Math.max(first, finding.range.end.line);
  const onLines = directive.line >= first && directive.line <= last;
  const above = directive.kind === 'ignore' && directive.ownLine && directive.line === first - 1;
  if (!onLines && !above) {
    return false;
  }
  return directive.codes === null || directive.codes.includes(finding.rule);
}

/** The findings split into kept and suppressed, and the directives (or codes) that silenced nothing. */
export interface SuppressionResult {
  kept: Finding[];
  suppressed: Finding[];
  unused: UnusedSuppression[];
}

/** Applies the directives to the findings. */
export function applySuppressions(findings: readonly Finding[], directives: readonly SuppressionDirective[]): SuppressionResult {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const used = new Map<SuppressionDirective, Set<string>>();
  for (const finding of findings) {
    const by = directives.filter((directive) => covers(directive, finding));
    for (const directive of by) {
      let codes = used.get(directive);
      if (!codes) {
        codes = new Set();
        used.set(directive, codes);
      }
      codes.add(finding.rule);
    }
    (by.length > 0 ? suppressed : kept).push(finding);
  }
  return { kept, suppressed, unused: unusedOf(directives, used) };
}

/**
 * The directives that silenced nothing, or the codes of them that did not. A bare `# noqa`, and the
 * codes of a `# noqa` that are no `init-` code, belong to other tools: they are never reported.
 */
function unusedOf(directives: readonly SuppressionDirective[], used: Map<SuppressionDirective, Set<string>>): UnusedSuppression[] {
  const unused: UnusedSuppression[] = [];
  for (const directive of directives) {
    const hit = used.get(directive) ?? new Set<string>();
    if (directive.codes === null) {
      if (directive.kind === 'ignore' && hit.size === 0) {
        unused.push({ directive, codes: [], unknown: [] });
      }
      continue;
    }
    const ours = directive.kind === 'noqa' ? directive.codes.filter((code) => code.startsWith('init-')) : directive.codes;
    const idle = ours.filter((code) => !hit.has(code));
    if (idle.length > 0) {
      unused.push({ directive, codes: idle, unknown: idle.filter((code) => !isRuleCode(code)) });
    }
  }
  return unused;
}
