/**
 * Per-model reuse of advice. A model's advice (signals, findings and their fixes) depends on the
 * model, the advice options, and, through the fix speller, on the file's spelling conventions and
 * on other models' layers that share an init call or a container with it (a call or a container
 * loop is rewritten only when every layer it writes wants the same init). It is reused when all
 * of those are the same as when it was computed and no dependency unit moved; otherwise it is
 * recomputed with `adviseModel`, whose concatenation over the models is `adviseFile`.
 */
import { adviseModel, type Advice, type AdviceOptions, type Spellers } from '../advice/advise';
import { initPrefix, prefersDoubleQuotes } from '../frameworks/pytorch/fixes';
import { firstLineBreak } from '../python/lines';
import type { FileGraph, Model } from '../graph';
import { LineMap, type UnitPlace } from './lineMap';
import type { ModelOrigin } from './modelReuse';
import type { Unit } from './units';

interface KeptAdvice {
  advice: Advice;
  /** Where the model's dependency units were when the advice was computed. */
  places: UnitPlace[];
}

/**
 * Everything of the whole text that the PyTorch fix speller reads besides the model's own units
 * (mirrors `sourceInfo` and `initPrefix` in ../frameworks/pytorch/fixes.ts; the equality test
 * in test/unit/python/incremental.test.ts catches a drift between the two). Lines are split as there
 * (CRLF, CR or LF), but only until the first indented line and the first import are found.
 */
function pytorchSpelling(text: string): string {
  let indented: string | undefined;
  let firstImport = -1;
  let afterFuture = -1;
  const breaks = /\r\n|\r|\n/g;
  for (let line = 0, start = 0; indented === undefined || firstImport < 0; line++) {
    const found = breaks.exec(text);
    const content = text.slice(start, found ? found.index : text.length);
    if (indented === undefined && /^(\t| +)\S/.test(content)) {
      indented = content;
    }
    // Where `import math` goes (python/importAliases.ts addImportEdit): the first import after any `from __future__` ones.
    if (/^from\s+__future__\s/.test(content)) {
      afterFuture = line + 1;
    } else if (firstImport < 0 && /^(import|from)\s/.test(content)) {
      firstImport = line;
    }
    if (!found) {
      break;
    }
    start = found.index + found[0].length;
  }
  return JSON.stringify([
    firstLineBreak(text),
    prefersDoubleQuotes(text),
    /^(\t| *)/.exec(indented ?? '')![0].slice(0, 9),
    initPrefix(text),
    /^\s*import\s+math\b/m.test(text),
    /^\s*import\s+torch\b/m.test(text),
    firstImport,
    afterFuture,
  ]);
}

/** Where a model's layers write (init call starts) or sit (container lines), as numbers; kept per model object. */
const placesByModel = new WeakMap<Model, number[]>();

function placesOf(model: Model): number[] {
  let places = placesByModel.get(model);
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
    placesByModel.set(model, places);
  }
  return places;
}

/** For each model, the models whose layers share an init call start or a container line with its layers. */
function sharersOf(graph: FileGraph): Map<Model, Set<Model>> {
  const byPlace = new Map<number, Model[]>();
  for (const model of graph.models) {
    for (const place of placesOf(model)) {
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
    for (const place of placesOf(model)) {
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

export class AdviceReuse {
  private kept = new Map<string, KeptAdvice>();
  /** The options and spelling conventions the kept advice was computed under. */
  private fileKey = '';

  /**
   * `adviseFile(graph, options, spellers)`, reusing each PyTorch model's advice when its key is
   * unchanged. `originOf` tells where each model came from (undefined: always recompute).
   */
  advise(
    graph: FileGraph,
    text: string,
    options: AdviceOptions,
    spellers: Spellers | undefined,
    originOf: (model: Model) => ModelOrigin | undefined,
    unitsById: ReadonlyMap<string, Unit>,
    stats: { adviceReused: number; adviceComputed: number },
  ): Advice {
    const next = new Map<string, KeptAdvice>();
    const signals: Advice['signals'] = [];
    const findings: Advice['findings'] = [];
    let sharers: Map<Model, Set<Model>> | undefined;
    for (const model of graph.models) {
      const origin = model.framework === 'pytorch' ? originOf(model) : undefined;
      let key: string | undefined;
      if (origin) {
        if (!sharers) {
          sharers = sharersOf(graph);
          const fileKey = `${JSON.stringify(options)}|${pytorchSpelling(text)}`;
          if (fileKey !== this.fileKey) {
            this.kept.clear();
            this.fileKey = fileKey;
          }
        }
        const sharerSerials = [...sharers.get(model)!].map((other) => (other.framework === 'pytorch' ? originOf(other)?.serial : undefined));
        if (sharerSerials.every((serial) => serial !== undefined)) {
          key = `${origin.serial}|${sharerSerials.sort((a, b) => a - b).join(',')}`;
        }
      }
      let advice: Advice;
      const kept = key !== undefined ? this.kept.get(key) : undefined;
      // Reused only when nothing it depends on moved: fix edits may hold absolute lines (imports at the top).
      if (kept && LineMap.unmoved(kept.places, unitsById)) {
        advice = kept.advice;
        stats.adviceReused++;
      } else {
        advice = adviseModel(model, options, spellers);
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
