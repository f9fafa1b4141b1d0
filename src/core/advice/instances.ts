/**
 * Names the layer instances one piece of code builds, for a message or a hover: a layer written
 * once and built in a loop, or in several models, is many instances of one source range.
 */

/** One layer instance: the model it is in and its name there. */
export interface LayerInstance {
  model: string;
  layer: string;
}

/**
 * `net.0.fc–net.17.fc, 18 layers built here` (one model), `3 models: resnet50, resnet101, ResNet`
 * (one instance each), `2 models: a, b; 36 layers built here`; a single instance is its name.
 */
export function instanceSummary(instances: readonly LayerInstance[]): string {
  if (instances.length === 0) {
    return '';
  }
  const models = [...new Set(instances.map((instance) => instance.model))];
  const first = instances[0]!.layer;
  const last = instances[instances.length - 1]!.layer;
  if (models.length === 1) {
    return instances.length === 1 ? first : `${first}–${last}, ${instances.length} layers built here`;
  }
  const named = `${models.length} models: ${models.join(', ')}`;
  return instances.length === models.length ? named : `${named}; ${instances.length} layers built here`;
}
