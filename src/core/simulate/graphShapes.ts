/**
 * The running tensor shape while a model graph becomes a SimNetwork, and the reading of sizes from
 * a layer's constructor arguments (an int, a tuple written as text, or a symbol).
 */
import type { ArgValue, Dim } from '../graph';
import type { InputShape } from './network';

/** Spatial size assumed for conv inputs when no input shape is given. */
export const DEFAULT_SPATIAL_SIZE = 32;
/** Sequence length assumed for token inputs (per-element statistics do not depend on it). */
export const DEFAULT_SEQUENCE_LENGTH = 128;

/** The running tensor shape during conversion. */
export interface Shape {
  /** Features (channels); null for token ids. */
  features: Dim | null;
  spatial: number[];
}

/** A size argument as a Dim (a number, or the text of what did not resolve); undefined when absent. */
export function dimOf(value: ArgValue | undefined): Dim | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value !== null && typeof value === 'object') {
    return value.expr;
  }
  return undefined;
}

/** An int or a tuple of ints (`(3, 3)` arrives as expression text), repeated to `dims`; undefined when not static. */
export function intsOf(value: ArgValue | undefined, dims: number, fallback: number | undefined): number[] | undefined {
  if (value === undefined) {
    return fallback === undefined ? undefined : new Array<number>(dims).fill(fallback);
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return new Array<number>(dims).fill(value);
  }
  if (value !== null && typeof value === 'object') {
    const match = /^\s*[([]\s*(\d+)\s*(?:,\s*(\d+)\s*)?,?\s*[)\]]\s*$/.exec(value.expr);
    if (match) {
      const items = [Number(match[1]), ...(match[2] === undefined ? [] : [Number(match[2])])];
      if (items.length === dims) {
        return items;
      }
      if (items.length === 1) {
        return new Array<number>(dims).fill(items[0]);
      }
    }
  }
  return undefined;
}

/** Whether two sizes are the same number or the same symbol. */
export function sameDim(left: Dim | null, right: Dim | null): boolean {
  return left === right;
}

/** Whether two shapes have the same features and spatial extents. */
export function sameShape(left: Shape, right: Shape): boolean {
  return sameDim(left.features, right.features) && left.spatial.join() === right.spatial.join();
}

/** A shape in words for notes (`64×16×16`, `token ids`). */
export function describe(shape: Shape): string {
  return shape.features === null ? 'token ids' : `${shape.features}${shape.spatial.length > 0 ? `×${shape.spatial.join('×')}` : ''}`;
}

/** The container part of a qualified name, with its dot (`layer1.0.` for `layer1.0.bn2`), or ''. */
export function parentOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot + 1);
}

/** The shape of one example of the network input. */
export function shapeOfInput(input: InputShape): Shape {
  switch (input.kind) {
    case 'vector':
      return { features: input.width, spatial: [] };
    case 'tokens':
      return { features: null, spatial: [] };
    case 'signal':
      return { features: input.channels, spatial: [typeof input.length === 'number' ? input.length : DEFAULT_SPATIAL_SIZE] };
    case 'image':
      return {
        features: input.channels,
        spatial: [typeof input.height === 'number' ? input.height : DEFAULT_SPATIAL_SIZE, typeof input.width === 'number' ? input.width : DEFAULT_SPATIAL_SIZE],
      };
  }
}
