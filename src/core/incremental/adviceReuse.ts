/**
 * Per-model reuse of advice. A model's advice (signals, findings and their fixes) depends on the
 * model, the advice options, and, through the fix speller, on the file's spelling conventions (the
 * adapter's `spellingKey`) and on other models' layers that share an init call or a container with
 * it (a call or a container loop is rewritten only when every layer it writes wants the same init).
 * It is reused when all of those are the same as when it was computed and no dependency unit moved;
 * otherwise it is recomputed by the caller's `adviseModel`, whose concatenation over the models is `adviseFile`.
 */
import type { FileGraph, Model } from '../graph';
import { LineMap, type UnitPlace } from './lineMap';
import type { ModelOrigin } from './modelReuse';
import type { Unit } from './units';

/** One model's advice as the memo keeps it: lists that concatenate over the models (advice/'s `Advice`). */
export interface ModelAdvice<Signal, Finding> {
  signals: Signal[];
  findings: Finding[];
}

interface KeptAdvice<Signal, Finding> {
  advice: ModelAdvice<Signal, Finding>;
  /** Where the model's dependency units were when the advice was computed. */
  places: UnitPlace[];
}

/** Where a model's layers write (init call starts) or sit (container lines), as numbers; kept per model object in `known`. */
function placesOf(model: Model, known: WeakMap<Model, number[]>): number[] {
  let places = known.get(model);
  if (!places) {
    const set = new Set<number>();
    for (const layer of model.layers) {
      if (layer.container) {
        set.add(-1 - layer.container.range.start.line);
      }
      for (const init of Object.values(layer.init)) {
        if (init) {
          // Columns stay far below 2^21 in any file under the size limit's lines.
          set.add(init.range.start.line * 2 ** 21 + init.range.start.column);
        }
      }
    }
    places = [...set];
    known.set(model, places);
  }
  return places;
}

/** For each model, the models whose layers share an init call start or a container line with its layers. */
function sharersOf(graph: FileGraph, known: WeakMap<Model, number[]>): Map<Model, Set<Model>> {
  const byPlace = new Map<number, Model[]>();
  for (const model of graph.models) {
    for (const place of placesOf(model, known)) {
      const list = byPlace.get(place);
      if (list) {
        list.push(model);
      } else {
        byPlace.set(place, [model]);
      }
    }
  }
  const out = new Map<Model, Set<Model>>();
  for (const model of graph.models) {
    const sharers = new Set<Model>();
    for (const place of placesOf(model, known)) {
      for (const other of byPlace.get(place)!) {
        if (other !== model) {
          sharers.add(other);
        }
      }
    }
    out.set(model, sharers);
  }
  return out;
}

/** The kept advice of one document's models. */
export class AdviceReuse<Signal, Finding> {
  private kept = new Map<string, KeptAdvice<Signal, Finding>>();
  /** The options and spelling conventions the kept advice was computed under. */
  private fileKey = '';
  /** placesOf's results by model object (models handed back by the extraction memo are the same objects). */
  private readonly places = new WeakMap<Model, number[]>();

  /**
   * The concatenation of `adviseModel` over the graph's models (`adviseFile`), reusing a model's
   * advice when its key is unchanged. `originOf` tells where each model came from (undefined: always
   * recompute); `fileKey` gives the options and spelling conventions, asked once, only when needed.
   */
  advise(
    graph: FileGraph,
    fileKey: () => string,
    adviseModel: (model: Model) => ModelAdvice<Signal, Finding>,
    originOf: (model: Model) => ModelOrigin | undefined,
    unitsById: ReadonlyMap<string, Unit>,
    stats: { adviceReused: number; adviceComputed: number },
  ): ModelAdvice<Signal, Finding> {
    const next = new Map<string, KeptAdvice<Signal, Finding>>();
    const signals: Signal[] = [];
    const findings: Finding[] = [];
    let sharers: Map<Model, Set<Model>> | undefined;
    for (const model of graph.models) {
      const origin = originOf(model);
      let key: string | undefined;
      if (origin) {
        if (!sharers) {
          sharers = sharersOf(graph, this.places);
          const key = fileKey();
          if (key !== this.fileKey) {
            this.kept.clear();
            this.fileKey = key;
          }
        }
        const sharerSerials = [...sharers.get(model)!].map((other) => originOf(other)?.serial);
        if (sharerSerials.every((serial) => serial !== undefined)) {
          key = `${origin.serial}|${sharerSerials.sort((a, b) => a - b).join(',')}`;
        }
      }
      let advice: ModelAdvice<Signal, Finding>;
      const kept = key !== undefined ? this.kept.get(key) : undefined;
      // Reused only when nothing it depends on moved: fix edits may hold absolute lines (imports at the top).
      if (kept && LineMap.unmoved(kept.places, unitsById)) {
        advice = kept.advice;
        stats.adviceReused++;
      } else {
        advice = adviseModel(model);
        stats.adviceComputed++;
      }
      if (key !== undefined) {
        next.set(key, { advice, places: origin!.places });
      }
      signals.push(...advice.signals);
      findings.push(...advice.findings);
    }
    this.kept = next;
    return { signals, findings };
  }

  clear(): void {
    this.kept = new Map();
    this.fileKey = '';
  }
}
