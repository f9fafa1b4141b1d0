/**
 * Moves the positions of a kept result (a Model, a model's advice) to where the units they point
 * into are now. Every position must fall inside one of the result's dependency units; a unit
 * moves as a whole (its lines keep their text, so columns stay), so line L of a unit that started
 * at line s and now starts at s' becomes L − s + s'. A position outside every unit cannot be
 * moved: the caller then recomputes instead of guessing.
 */
import type { Unit } from './units';

/** Where a dependency unit was when a result was computed. */
export interface UnitPlace {
  id: string;
  startLine: number;
  endLine: number;
}

export class Unmappable extends Error {}

/** A line mapping from the old places of units to their new places (by unit id). */
export class LineMap {
  private constructor(private readonly segments: { start: number; end: number; delta: number }[]) {}

  /** True when every unit is where it was (no mapping needed). */
  static unmoved(old: readonly UnitPlace[], current: ReadonlyMap<string, Unit>): boolean {
    return old.every((place) => {
      const unit = current.get(place.id);
      return unit !== undefined && unit.startLine === place.startLine && unit.endLine === place.endLine;
    });
  }

  /** The mapping, or undefined when a unit is gone (the caller's key should have prevented that). */
  static between(old: readonly UnitPlace[], current: ReadonlyMap<string, Unit>): LineMap | undefined {
    const segments: { start: number; end: number; delta: number }[] = [];
    for (const place of old) {
      const unit = current.get(place.id);
      if (!unit || unit.endLine - unit.startLine !== place.endLine - place.startLine) {
        return undefined;
      }
      segments.push({ start: place.startLine, end: place.endLine, delta: unit.startLine - place.startLine });
    }
    return new LineMap(segments);
  }

  /** True when no unit moved: results can be kept as they are. */
  get identity(): boolean {
    return this.segments.every((segment) => segment.delta === 0);
  }

  line(line: number): number {
    if (line < 0) {
      // A "nowhere" position (e.g. line -1) stays nowhere.
      return line;
    }
    for (const segment of this.segments) {
      if (line >= segment.start && line <= segment.end) {
        return line + segment.delta;
      }
    }
    throw new Unmappable(`line ${line} is in no dependency`);
  }

  /** A deep copy of plain data with every `{ line, column }` moved; shared objects stay shared. Throws Unmappable. */
  copy<T>(value: T): T {
    return this.copyValue(value, new Map()) as T;
  }

  /** `line N` (1-based) in a note, moved like a position. Throws Unmappable. */
  note(note: string): string {
    return note.replace(/\bline (\d+)\b/g, (_, digits: string) => `line ${this.line(Number(digits) - 1) + 1}`);
  }

  private copyValue(value: unknown, seen: Map<object, unknown>): unknown {
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const known = seen.get(value);
    if (known !== undefined) {
      return known;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) {
        out.push(this.copyValue(item, seen));
      }
      return out;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.path === 'string' && typeof record.start === 'object' && typeof record.end === 'object') {
      // A range in an imported file (graph.ts `Range.path`) does not move with this file's lines.
      seen.set(value, value);
      return value;
    }
    if (typeof record.line === 'number' && typeof record.column === 'number' && Object.keys(record).length === 2) {
      const moved = { line: this.line(record.line), column: record.column };
      seen.set(value, moved);
      return moved;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(record)) {
      out[key] = this.copyValue(record[key], seen);
    }
    return out;
  }
}
