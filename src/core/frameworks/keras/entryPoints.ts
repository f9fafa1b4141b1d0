/**
 * The Keras models a file's script lines build (issue 10 item 1). A builder called with concrete
 * arguments more than once (`relu_model = create_network(**relu_setup)`, then
 * `selu_model = create_network(**selu_setup)`) makes one model per call, all at one creation site:
 * each is named after the variable its call is bound to (../scriptEntries.ts finds those lines at
 * module level, under `if __name__ == "__main__":` and in `main()`), as a user would call it.
 */
import type { PyNode } from '../../python/ast';
import type { Site } from '../../python/eval/contracts';
import type { PyFunction, Value } from '../../python/eval/values';
import { findEntryPoints, RUN_FUNCTION } from '../../scriptEntries';
import { KerasSemantics } from './host';
import type { KerasHost, ModelInst } from './values';

/** Keras' semantics that also records, for each model made, the script-level call it was made under. */
export class EntryTrackingKeras extends KerasSemantics {
  /** The call in a block the script runs (the module, `main()`) during which each model was made. */
  readonly entryCalls = new Map<ModelInst, PyNode>();

  enterFunction(_fn: PyFunction<KerasHost>, _self: Value<KerasHost> | undefined, site: Site<KerasHost>): (() => void) | undefined {
    const caller = site.ctx.fn;
    if (caller && (caller.name !== RUN_FUNCTION || caller.ownerClass)) {
      return undefined;
    }
    const before = this.state.models.length;
    // Calls end innermost first, so a model made under `main()` → `create_network(...)` gets the inner call.
    return () => {
      for (const model of this.state.models.slice(before)) {
        if (!this.entryCalls.has(model)) {
          this.entryCalls.set(model, site.node);
        }
      }
    };
  }
}

/**
 * Names for the models that share a creation site and a name (`nameOf`) with another: each after
 * the variable its script-level call is bound to. Models left without one keep their name (the
 * graph keeps the first of them, with a note).
 */
export function entryNames(
  keras: EntryTrackingKeras,
  root: PyNode,
  text: (node: PyNode) => string,
  isFunction: (name: string) => boolean,
  nameOf: (model: ModelInst) => string,
): Map<ModelInst, string> {
  const groups = new Map<string, ModelInst[]>();
  for (const model of keras.state.models) {
    const key = `${model.node.startIndex}:${nameOf(model)}`;
    groups.set(key, [...(groups.get(key) ?? []), model]);
  }
  const variables = findEntryPoints(root, text, isFunction).flatMap((entry) => (entry.kind === 'variable' ? [entry] : []));
  const names = new Map<ModelInst, string>();
  for (const group of groups.values()) {
    if (group.length < 2) {
      continue;
    }
    for (const model of group) {
      const call = keras.entryCalls.get(model);
      const entry = call && variables.find((v) => v.node.startIndex <= call.startIndex && call.endIndex <= v.node.endIndex);
      if (entry) {
        names.set(model, entry.name);
      }
    }
  }
  return names;
}
