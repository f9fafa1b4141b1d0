/**
 * Per-definition reuse of extraction results. A class's outcome (its Model and notes) is kept under a
 * key made of the ids of every unit it depends on (./units.ts), in file order, and of the adapter;
 * when the next analysis finds the same key, the outcome is handed back with its positions moved
 * to where those units are now (./lineMap.ts) instead of interpreting the class again.
 */
import type { Model } from '../graph';
import type { BoundNotes } from '../graphBounds';
import type { PyNode } from '../python/ast';
import type { FunctionShape } from '../python/eval/functions';
import { ModuleReplay } from '../python/eval/moduleReplay';
import { LineMap, Unmappable, type UnitPlace } from './lineMap';
import type { DefinitionReuse, ModelOutcome, ReusableDefinition } from './reuseHooks';
import type { ClosureMemo, Unit, UnitIndex } from './units';

interface KeptOutcome {
  outcome: ModelOutcome;
  places: UnitPlace[];
  serial: number;
}

/** Where a model came from, for the advice reuse: its extraction key and dependency places. */
export interface ModelOrigin {
  key: string;
  /** A number that stands for the key (equal keys, equal serials), to build short keys from. */
  serial: number;
  places: UnitPlace[];
}

/** Hands out the serials of one memo: every new key gets the next number. */
export interface SerialCounter {
  next: number;
}

const placeOf = (unit: Unit): UnitPlace => ({ id: unit.id, startLine: unit.startLine, endLine: unit.endLine });

/** The kept outcomes of one adapter; `session` gives the reuse for one analysis. */
export class ModelReuse {
  private kept = new Map<string, KeptOutcome>();
  private memo = new Map<string, ClosureMemo>();
  private functionShapes = new WeakMap<PyNode, FunctionShape>();
  private readonly moduleReplay = new ModuleReplay();
  /** Origins of the models of the latest analysis. */
  readonly origins = new WeakMap<Model, ModelOrigin>();

  /**
   * `serials` is shared by every adapter's reuse of one memo, so that serials stay unique within it;
   * `bounds` are the memo's notes of bounded models (a moved copy of a bounded model is bounded too).
   */
  constructor(
    private readonly adapterId: string,
    private readonly serials: SerialCounter,
    private readonly bounds: BoundNotes,
  ) {}

  /** The reuse hook for one extraction over `units`; call `end()` after the extraction. */
  session(
    units: UnitIndex,
    unitsById: ReadonlyMap<string, Unit>,
    stats: { classesReused: number; classesBuilt: number; definitionsReplayed: number; statementsRun: number },
  ): DefinitionReuse & { end(): void } {
    const next = new Map<string, KeptOutcome>();
    const nextMemo = new Map<string, ClosureMemo>();
    const pending = new Map<ReusableDefinition, { key: string; units: Unit[]; serial: number; places?: UnitPlace[] }>();
    return {
      functionShapes: this.functionShapes,
      moduleReplay: this.moduleReplay,
      take: (cls) => {
        const unit = units.unitAt(cls.node.startIndex);
        if (!unit) {
          return undefined;
        }
        const dependencies = units.dependencies(unit, cls.name, this.memo);
        const memoKey = `${unit.id}/${cls.name}`;
        const memo = this.memo.get(memoKey);
        if (memo) {
          nextMemo.set(memoKey, memo);
        }
        const key = `${this.adapterId}|${cls.name}|${dependencies.key}`;
        const kept = this.kept.get(key);
        const outcome = kept ? moved(kept, unitsById, this.bounds) : undefined;
        // An outcome handed back as it was keeps its places too.
        const places = outcome && outcome === kept!.outcome ? kept!.places : undefined;
        pending.set(cls, { key, units: dependencies.units, serial: outcome ? kept!.serial : this.serials.next++, places });
        stats[outcome ? 'classesReused' : 'classesBuilt']++;
        return outcome;
      },
      keep: (cls, outcome) => {
        const entry = pending.get(cls);
        if (!entry) {
          return;
        }
        const places = entry.places ?? entry.units.map(placeOf);
        next.set(entry.key, { outcome, places, serial: entry.serial });
        if (outcome.model) {
          this.origins.set(outcome.model, { key: entry.key, serial: entry.serial, places });
        }
      },
      end: () => {
        stats.definitionsReplayed += this.moduleReplay.stats.replayed;
        stats.statementsRun += this.moduleReplay.stats.run;
        this.kept = next;
        this.memo = nextMemo;
      },
    };
  }

  clear(): void {
    this.kept = new Map();
    this.memo = new Map();
    this.functionShapes = new WeakMap();
    this.moduleReplay.clear();
  }
}

/** The kept outcome with its positions moved, or undefined when a position cannot be moved. */
function moved(kept: KeptOutcome, unitsById: ReadonlyMap<string, Unit>, bounds: BoundNotes): ModelOutcome | undefined {
  if (LineMap.unmoved(kept.places, unitsById)) {
    return kept.outcome;
  }
  const map = LineMap.between(kept.places, unitsById);
  if (!map) {
    return undefined;
  }
  if (map.identity) {
    return kept.outcome;
  }
  try {
    const model = kept.outcome.model;
    const copy = model ? map.copy(model) : undefined;
    const boundNotes = model && bounds.get(model);
    if (copy && boundNotes) {
      // The copy has the bounded sizes already: it says the same notes (they name no line).
      bounds.set(copy, boundNotes);
    }
    // The work it took is counted again (the file's budget), as for an outcome handed back unmoved.
    return { model: copy, notes: kept.outcome.notes.map((note) => map.note(note)), spent: kept.outcome.spent, built: kept.outcome.built };
  } catch (error) {
    if (error instanceof Unmappable) {
      return undefined;
    }
    throw error;
  }
}
