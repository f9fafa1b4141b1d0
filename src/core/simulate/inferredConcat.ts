/**
 * Concatenations the graph does not show, read from channel counts (Inception's parallel branches,
 * DenseNet's cat([x, f(x)]), a U-Net skip), as fork / branch / concat ops (concat.ts).
 */
import type { Dim, Layer } from '../graph';
import { describe, parentOf, type Shape } from './graphShapes';
import type { ConversionState, OpenFork } from './graphConversion';

/** An open concatenation closed before a head: its channels, pooled to h×w, make the head's inputs. */
export function closeBeforeHead(c: ConversionState, layer: Layer, inFeatures: number): void {
  const fork = c.forks[c.forks.length - 1];
  const channels = fork.parts.reduce((sum, part) => sum + (part.features as number), 0) + (c.shape.features as number);
  for (const withInput of [false, true]) {
    const joined = channels + (withInput ? (fork.input.features as number) : 0);
    const positions = inFeatures / joined;
    if (Number.isInteger(positions) && c.shape.spatial.reduce((product, size) => product * size, 1) % positions === 0) {
      concatBefore(c, layer, joined);
      return;
    }
  }
}

/**
 * A concatenation the graph does not show, read from the channel counts, before a layer whose
 * `inChannels` do not chain to the current C×H×W tensor (notes say each one):
 * - the open fork's branches plus the current tensor (with or without the kept one) make it: concat;
 * - it is the kept tensor's (or an earlier tensor's of this run) channels: a parallel branch
 *   from it (Inception), the current output set aside;
 * - it is the current channels plus those of the tensor at the start of the last layer's
 *   container: that tensor concatenated with the container's output (DenseNet's cat([x, f(x)]));
 * - it is the current channels plus those of the latest earlier tensor of the same spatial size:
 *   a U-Net skip (`cat([up(x), skip])` after the spatial size went down and came back up).
 * Returns whether the current tensor now has `inChannels` channels.
 */
export function concatBefore(c: ConversionState, layer: Layer, inChannels: Dim): boolean {
  const current = c.shape;
  if (c.sink !== null || typeof inChannels !== 'number' || typeof current.features !== 'number' || current.spatial.length === 0 || c.pending !== undefined) {
    return false;
  }
  const sameSpatial = (shape: Shape): boolean => shape.spatial.join() === current.spatial.join() && typeof shape.features === 'number';
  const fork = c.forks[c.forks.length - 1];
  if (fork !== undefined) {
    const parts = fork.parts.reduce((sum, part) => sum + (part.features as number), 0) + current.features;
    const kept = fork.input.features as number;
    if (inChannels === parts || inChannels === parts + kept) {
      const withInput = inChannels !== parts;
      c.forks.pop();
      c.notes.push(
        `${layer.name}: its ${inChannels} input channels are ${withInput ? 'the kept tensor and ' : ''}${fork.parts.length + 1} branches concatenated (assumed)`,
      );
      c.emit({ name: `${layer.name}:concat`, op: 'concat', activation: null, withInput }, { features: inChannels, spatial: current.spatial });
      return true;
    }
  }
  const last = c.layers.length - 1;
  for (let index = last; index >= c.lastJoin; index--) {
    const shape = c.shapes[index];
    if (sameSpatial(shape) && shape.features === inChannels && index < last) {
      openBranch(c, layer, index, fork);
      return true;
    }
  }
  const container = last >= 0 ? parentOf(c.layers[last].name) : '';
  const start =
    container === '' ? -1 : c.layers.findIndex((emitted, index) => index >= c.lastJoin && emitted.name.startsWith(container) && !emitted.name.includes(':'));
  const kept = start < 0 ? undefined : c.shapes[start];
  if (kept !== undefined && sameSpatial(kept) && (kept.features as number) + current.features === inChannels) {
    insertFork(c, start, `${container.slice(0, -1)}:fork`);
    c.notes.push(
      `${layer.name}: its ${inChannels} input channels are the input of ${container.replace(/\.$/, '')} (${kept.features}) concatenated with its output (${current.features}) (assumed)`,
    );
    c.forks.pop();
    c.emit({ name: `${layer.name}:concat`, op: 'concat', activation: null, withInput: true }, { features: inChannels, spatial: current.spatial });
    return true;
  }
  return fork === undefined && skipConcat(c, layer, inChannels);
}

/**
 * A U-Net skip: the latest earlier tensor (since the last residual join) of the current spatial
 * size, with a different size in between, whose channels and the current ones make `inChannels`.
 */
function skipConcat(c: ConversionState, layer: Layer, inChannels: number): boolean {
  const current = c.shape;
  const spatial = current.spatial.join();
  const skipChannels = inChannels - (current.features as number);
  let left = false;
  for (let index = c.layers.length - 1; index >= c.lastJoin; index--) {
    const shape = c.shapes[index];
    if (shape.spatial.join() !== spatial) {
      left = true;
    } else if (left && shape.features === skipChannels) {
      insertFork(c, index, `${layer.name}:fork`);
      c.forks.pop();
      c.notes.push(
        `${layer.name}: its ${inChannels} input channels are the ${describe(shape)} tensor of a skip concatenated with the previous output (${current.features}) (assumed)`,
      );
      c.emit({ name: `${layer.name}:concat`, op: 'concat', activation: null, withInput: true }, { features: inChannels, spatial: current.spatial });
      return true;
    }
  }
  return false;
}

/** Starts a parallel branch from the tensor before layer `index` (a fork there unless it is the open one). */
function openBranch(c: ConversionState, layer: Layer, index: number, open: OpenFork | undefined): void {
  let fork = open;
  if (fork === undefined || fork.input !== c.shapes[index]) {
    insertFork(c, index, `${layer.name}:fork`);
    fork = c.forks[c.forks.length - 1];
  }
  fork.parts.push(c.shape);
  c.notes.push(`${layer.name}: reads the ${describe(fork.input)} tensor, not the previous output: a parallel branch, to be concatenated (assumed)`);
  c.emit({ name: `${layer.name}:branch`, op: 'branch', activation: null }, fork.input);
}

/** Inserts a fork before emitted layer `index` and opens it. */
function insertFork(c: ConversionState, index: number, name: string): void {
  const input = c.shapes[index];
  c.layers.splice(index, 0, { name, op: 'fork', activation: null });
  c.shapes.splice(index, 0, input);
  c.forks.push({ input, parts: [] });
}

/**
 * A concatenation the graph shows (`torch.cat(...)` after the last branch's layer) while a fork is
 * open with branches set aside: the branches and the current tensor, joined along channels (the
 * kept tensor itself is not among them: Inception). Returns whether it closed one.
 */
export function closeOpenFork(c: ConversionState, name: string): boolean {
  const fork = c.forks[c.forks.length - 1];
  const current = c.shape;
  if (fork === undefined || fork.parts.length === 0 || c.sink !== null || typeof current.features !== 'number') {
    return false;
  }
  const spatial = current.spatial.join();
  if (fork.parts.some((part) => typeof part.features !== 'number' || part.spatial.join() !== spatial)) {
    return false;
  }
  const channels = fork.parts.reduce((sum, part) => sum + (part.features as number), 0) + current.features;
  c.forks.pop();
  c.notes.push(`${name}: ${fork.parts.length + 1} branches concatenated into ${channels} channels`);
  c.emit({ name: `${name}:concat`, op: 'concat', activation: null, withInput: false }, { features: channels, spatial: current.spatial });
  return true;
}
