/**
 * The activation after a layer, decided on the two ways of an undecided branch. Both ways run on
 * the same layer records in turn, and the first activation found settles a layer: without this
 * watch, `F.relu(x) if cfg.act else F.gelu(x)` would give the layer before it `relu` and the
 * second way would find it settled. The watch lets each way settle the layers on its own, then
 * keeps an activation both ways agree on and makes one they disagree on unknown, with a note.
 */
import type { Activation } from './graph';
import type { PyNode } from './python/ast';
import type { BranchWatch, Site } from './python/eval/contracts';

/** An activation as a framework records it after a layer: an Activation, null (linear), or a name ('unknown'). */
export type Settled = Activation | null | string;

/**
 * One way of an undecided branch settled a layer with `value`; the other left it to what comes
 * after the branch: that settles it to `value` if it agrees, else to `unknown`.
 */
export interface OneWay<T extends Settled = Activation | null | 'unknown'> {
  value: T;
  unknown: T;
}

/** A layer's record of the activation after it; `activation` is undefined while none is found yet. */
export interface ActivationSlot<T extends Settled> {
  activation?: T;
  oneWay?: OneWay<T>;
}

/** Settles a layer that has no activation yet (the first one found wins), against a one-way activation. */
export function settleSlot<T extends Settled>(slot: ActivationSlot<T>, activation: T): void {
  if (slot.activation !== undefined) {
    return;
  }
  const oneWay = slot.oneWay;
  delete slot.oneWay;
  slot.activation = !oneWay || same(oneWay.value, activation) ? activation : oneWay.unknown;
}

/**
 * Watches `slots` (layers; `live` those a tensor in scope still leads to) through the two ways of
 * the branch on `condition`. A layer one way settles and the other leaves live is settled by what
 * comes after the branch on that way (`oneWay`); one that only one way reaches keeps its activation.
 */
export function watchActivations<T extends Settled, H>(
  slots: readonly ActivationSlot<T>[],
  live: ReadonlySet<ActivationSlot<T>>,
  unknown: T,
  condition: PyNode,
  site: Site<H>,
): BranchWatch | undefined {
  const open = slots.filter((slot) => slot.activation === undefined);
  if (open.length === 0) {
    return undefined;
  }
  const oneWayBefore = open.map((slot) => slot.oneWay);
  let first: ActivationSlot<T>[] = [];
  return {
    between: () => {
      first = open.map((slot) => ({ activation: slot.activation, oneWay: slot.oneWay }));
      open.forEach((slot, i) => {
        delete slot.activation;
        restore(slot, oneWayBefore[i]);
      });
    },
    join: () => {
      const differ = new Set<string>();
      const oneWay = new Set<string>();
      open.forEach((slot, i) => {
        const a = first[i]!.activation;
        const b = slot.activation;
        if (a !== undefined && b !== undefined) {
          // Both ways settled it: kept when they agree (with the first way's range).
          delete slot.oneWay;
          slot.activation = same(a, b) ? a : unknown;
          if (!same(a, b) && a !== unknown && b !== unknown) {
            differ.add(`${describe(a)} or ${describe(b)}`);
          }
          return;
        }
        const settled = a !== undefined ? a : b;
        if (settled === undefined) {
          return;
        }
        // One way only: it settles the layer, unless the other way leaves it to what follows.
        const leftOpen = live.has(slot);
        slot.activation = leftOpen ? undefined : settled;
        restore(slot, leftOpen ? { value: settled, unknown } : undefined);
        if (leftOpen) {
          oneWay.add(describe(settled));
        }
      });
      const at = `line ${condition.range.start.line + 1}: the activation after a layer`;
      const test = site.ev.text(condition);
      if (differ.size > 0) {
        site.ev.note(`${at} is ${[...differ].join(', ')} depending on ${test}, which is not decided: it is unknown`);
      }
      if (oneWay.size > 0) {
        site.ev.note(
          `${at} is ${[...oneWay].join(', ')} on one way of ${test}, which is not decided: unless what follows on the other way agrees, it is unknown`,
        );
      }
    },
  };
}

/** The activation of a layer nothing settled by the end (`atEnd`, e.g. null for a model's output), against a one-way activation. */
export function endSlot<T extends Settled>(slot: ActivationSlot<T>, atEnd: T): T {
  return slot.activation !== undefined ? slot.activation : !slot.oneWay || same(slot.oneWay.value, atEnd) ? atEnd : slot.oneWay.unknown;
}

function restore<T extends Settled>(slot: ActivationSlot<T>, oneWay: ActivationSlot<T>['oneWay']): void {
  if (oneWay) {
    slot.oneWay = oneWay;
  } else {
    delete slot.oneWay;
  }
}

function same(a: Settled, b: Settled): boolean {
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') {
    return a === b;
  }
  return a.name === b.name && JSON.stringify(a.params) === JSON.stringify(b.params);
}

function describe(value: Settled): string {
  if (value === null) {
    return 'none';
  }
  return typeof value === 'string' ? value : value.name;
}
