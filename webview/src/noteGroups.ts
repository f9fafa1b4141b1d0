/**
 * The conversion's notes grouped by reason: what was left out (one line per reason, naming its
 * layers), the input shape, sizes to set, assumptions, the rest. A model with 100 convs left out for
 * one reason gets one line, not 100.
 */
import type { PreviewStringKey } from '../../src/protocol/previewStrings';

export interface NoteGroup {
  /** The heading's string key. */
  heading: PreviewStringKey;
  lines: string[];
}

/** `name (Type) left out: why`, as the conversion writes a skipped layer. */
const LEFT_OUT = /^(.+?) \(([^()]+)\) left out: (.+)$/;

type Reason = 'notesLeftOut' | 'notesInput' | 'notesSizes' | 'notesAssumptions' | 'notesOther';

function reasonOf(note: string): Reason {
  if (/^input[: ]|input size|input flattened/.test(note)) {
    return 'notesInput';
  }
  // "… is not simulated; treated as linear": simulated, with an assumption in place of the real thing.
  if (/assumed|treated as|simulated as|instead|inferred|kept at/.test(note)) {
    return 'notesAssumptions';
  }
  if (/left out|not simulated/.test(note)) {
    return 'notesLeftOut';
  }
  if (/cannot resolve|set them in the panel/.test(note)) {
    return 'notesSizes';
  }
  return 'notesOther';
}

/** The notes (each once) in groups, in a fixed order, empty groups omitted. */
export function groupNotes(notes: readonly string[]): NoteGroup[] {
  const order: Reason[] = ['notesLeftOut', 'notesInput', 'notesSizes', 'notesAssumptions', 'notesOther'];
  const byReason = new Map<Reason, string[]>(order.map((reason) => [reason, []]));
  // Skipped layers with the same type and reason become one line: `Conv2D: why (a, b, c)`.
  const skipped = new Map<string, string[]>();
  for (const note of new Set(notes)) {
    const match = LEFT_OUT.exec(note);
    if (match) {
      const key = `${match[2]}: ${match[3]}`;
      skipped.set(key, [...(skipped.get(key) ?? []), match[1]]);
    } else {
      byReason.get(reasonOf(note))?.push(note);
    }
  }
  const leftOut = [...skipped].map(([reason, layers]) => `${reason} (${layers.join(', ')})`);
  byReason.get('notesLeftOut')?.unshift(...leftOut);
  return order.map((heading) => ({ heading, lines: byReason.get(heading) ?? [] })).filter((group) => group.lines.length > 0);
}
