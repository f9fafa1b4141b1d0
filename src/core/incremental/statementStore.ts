/**
 * The memo's store of copied top-level statements (../python/statementCopy.ts makes the copies), kept
 * from one whole-tree copy to the next.
 */
import type { CopiedStatement, StatementStore } from '../python/statementCopy';

/** Copies of top-level statements by the head of their key; those with equal keys are in file order, reversed. */
export class StatementCopies implements StatementStore {
  private kept = new Map<string, CopiedStatement[]>();
  private next = new Map<string, CopiedStatement[]>();

  begin(): void {
    this.next = new Map();
  }

  take(head: string, text: string, spanStart: number): CopiedStatement | undefined {
    const candidates = this.kept.get(head);
    if (!candidates || candidates.length === 0) {
      return undefined;
    }
    // Compared as a slice (a view into the text, not a copy) with ===, which V8 does faster than startsWith.
    const lines = text.slice(spanStart, spanStart + candidates[0]!.lines.length);
    for (let i = candidates.length - 1; i >= 0; i--) {
      if (candidates[i]!.lines === lines) {
        return candidates.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  keep(head: string, statement: CopiedStatement): void {
    const list = this.next.get(head);
    if (list) {
      list.push(statement);
    } else {
      this.next.set(head, [statement]);
    }
  }

  commit(): void {
    // Equal statements are taken from the end of each list: keep them in file order for the next copy.
    for (const list of this.next.values()) {
      list.reverse();
    }
    this.kept = this.next;
    this.next = new Map();
  }

  clear(): void {
    this.kept = new Map();
    this.next = new Map();
  }
}
