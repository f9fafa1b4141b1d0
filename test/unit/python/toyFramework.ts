/**
 * A toy framework for the evaluator's tests: `toy.Layer(n)` builds a layer (recorded in order),
 * applying a layer to a tensor gives a tensor whose last layer it is, `toy.relu(x)` (or
 * `toy.gelu(x)`) records the activation after that layer, `toy.Input()` makes a tensor, and `toy.Module` is a base class whose
 * instances are called through `forward` and register layers assigned to their attributes.
 */
import { settleSlot, watchActivations, type OneWay } from '../../../src/core/branchActivations';
import type { PyNode } from '../../../src/core/python/ast';
import type { BranchWatch, HostSemantics, Kwargs, Site } from '../../../src/core/python/eval/contracts';
import type { Value } from '../../../src/core/python/eval/values';

export interface ToyLayer {
  args: string;
  /** The attribute a `toy.Module` registered it under. */
  name?: string;
  activation?: string;
  /** An activation one way of an undecided branch applied (see branchActivations). */
  oneWay?: OneWay<string>;
  /** Built on an undecided path, or in a loop of unknown length. */
  uncertain: boolean;
  symbolic: boolean;
}

export type ToyHost =
  | { kind: 'layerClass' }
  | { kind: 'activation'; name: string }
  | { kind: 'input' }
  | { kind: 'moduleBase' }
  | { kind: 'layer'; layer: ToyLayer }
  /** One of several layers (an undecided choice): applying it applies each. */
  | { kind: 'choice'; layers: ToyLayer[] }
  | { kind: 'tensor'; last: ToyLayer[] };

type V = Value<ToyHost>;

const NAMES = new Map<string, ToyHost>([
  ['toy.Layer', { kind: 'layerClass' }],
  ['toy.relu', { kind: 'activation', name: 'relu' }],
  ['toy.gelu', { kind: 'activation', name: 'gelu' }],
  ['toy.Input', { kind: 'input' }],
  ['toy.Module', { kind: 'moduleBase' }],
]);

/** The toy framework with its record of built layers. */
export class ToyFramework implements HostSemantics<ToyHost> {
  readonly layers: ToyLayer[] = [];

  resolve(qualified: string): V | undefined {
    const host = NAMES.get(qualified);
    return host ? { kind: 'host', host } : undefined;
  }

  exports(module: string): readonly string[] {
    return module === 'toy' ? ['Layer', 'relu', 'gelu', 'Input', 'Module'] : [];
  }

  call(callee: ToyHost, args: V[], kwargs: Kwargs<ToyHost>, site: Site<ToyHost>): V {
    switch (callee.kind) {
      case 'layerClass': {
        const shown = [...args.map(site.ev.show), ...[...kwargs].map(([k, v]) => `${k}=${site.ev.show(v)}`)];
        const layer: ToyLayer = { args: shown.join(', '), uncertain: site.ctx.uncertain, symbolic: site.ctx.symbolicLoop };
        this.layers.push(layer);
        return { kind: 'host', host: { kind: 'layer', layer } };
      }
      case 'layer':
        return { kind: 'host', host: { kind: 'tensor', last: [callee.layer] } };
      case 'choice':
        return { kind: 'host', host: { kind: 'tensor', last: callee.layers } };
      case 'activation': {
        const input = args[0];
        if (input?.kind === 'host' && input.host.kind === 'tensor') {
          for (const layer of input.host.last) {
            settleSlot(layer, callee.name);
          }
          return { kind: 'host', host: { kind: 'tensor', last: [] } };
        }
        return { kind: 'sym', text: site.ev.text(site.node) };
      }
      case 'input':
        return { kind: 'host', host: { kind: 'tensor', last: [] } };
      default:
        return { kind: 'sym', text: site.ev.text(site.node) };
    }
  }

  getAttribute(): V | undefined {
    return undefined;
  }

  binary(operator: string, left: V, right: V): V | undefined {
    const last = [left, right].flatMap((v) => (v.kind === 'host' && v.host.kind === 'tensor' ? v.host.last : []));
    return operator === '+' || operator === '*' ? { kind: 'host', host: { kind: 'tensor', last } } : undefined;
  }

  truthy(): boolean {
    return true;
  }

  text(object: ToyHost): string {
    return object.kind === 'layer'
      ? `Layer(${object.layer.args})`
      : object.kind === 'choice'
        ? object.layers.map((l) => `Layer(${l.args})`).join(' | ')
        : object.kind;
  }

  watchBranches(condition: PyNode, live: Iterable<V>, site: Site<ToyHost>): BranchWatch | undefined {
    const pending = new Set([...live].flatMap((v) => (v.kind === 'host' && v.host.kind === 'tensor' ? v.host.last : [])));
    return watchActivations(this.layers, pending, 'unknown', condition, site);
  }

  merge(values: V[]): V | undefined {
    const hosts = values.map((v) => (v.kind === 'host' ? v.host : undefined));
    // Tensors merge into one whose last layers are all of theirs; layers into a choice.
    if (hosts.every((h) => h?.kind === 'tensor')) {
      return { kind: 'host', host: { kind: 'tensor', last: hosts.flatMap((h) => (h?.kind === 'tensor' ? h.last : [])) } };
    }
    if (hosts.every((h) => h?.kind === 'layer' || h?.kind === 'choice')) {
      return { kind: 'host', host: { kind: 'choice', layers: hosts.flatMap((h) => (h?.kind === 'layer' ? [h.layer] : h?.kind === 'choice' ? h.layers : [])) } };
    }
    return undefined;
  }

  instanceAttributeSet(_instance: unknown, name: string, value: V): void {
    if (value.kind === 'host' && value.host.kind === 'layer') {
      value.host.layer.name ??= name;
    }
  }

  callInstance(instance: Extract<V, { kind: 'object' }>, args: V[], kwargs: Kwargs<ToyHost>, site: Site<ToyHost>): V | undefined {
    return site.ev.callMethod(instance, 'forward', args, kwargs, site.node, site.ctx);
  }

  /** The built layers, one line each: `name: Layer(args) -> relu [uncertain] [*]` (one way's activation and nothing after: unknown). */
  describe(): string[] {
    return this.layers.map((l) => {
      const activation = l.activation ?? (l.oneWay ? 'unknown' : undefined);
      return `${l.name ? l.name + ': ' : ''}Layer(${l.args})${activation ? ` -> ${activation}` : ''}${l.uncertain ? ' [uncertain]' : ''}${l.symbolic ? ' [*]' : ''}`;
    });
  }
}
