/**
 * `copy.deepcopy(net)` of a model (issue 10 item 3): a new module tree with the inits in force in
 * `net`, and for each module that is an instance of a class of the file a new instance whose
 * attributes point into the new tree, so that what is written through the copy
 * (`target.apply(init_fn)`, `target.fc.weight`) never reaches the original.
 */
import { cloneModule } from './composite';
import { moduleOf, type TorchObject, type TorchValue } from './torchHost';
import type { ModuleInst } from './values';

/** The instances of the file's classes by module, read and extended by the copy. */
export interface InstanceTable {
  get(module: ModuleInst): TorchObject | undefined;
  set(module: ModuleInst, instance: TorchObject): void;
}

/** A deep copy of `module` (and of the instances over it); `valueOf` gives a copied module's value. */
export function deepCopyModule(module: ModuleInst, instances: InstanceTable, valueOf: (module: ModuleInst) => TorchValue): TorchValue {
  const copies = new Map<ModuleInst, ModuleInst>();
  const root = cloneModule(module, copies);
  for (const [original, copy] of copies) {
    const instance = instances.get(original);
    if (instance) {
      instances.set(copy, { kind: 'object', cls: instance.cls, attrs: new Map(), host: { kind: 'module', module: copy } });
    }
  }
  // Attributes once every copied instance exists: a child's value is its copy's.
  const remap = (value: TorchValue): TorchValue => {
    const inner = moduleOf(value);
    const copy = inner && copies.get(inner);
    if (copy) {
      return valueOf(copy);
    }
    return value.kind === 'list' ? { ...value, items: value.items.map(remap) } : value;
  };
  for (const [original, copy] of copies) {
    const instance = instances.get(original);
    const copied = instances.get(copy);
    if (instance && copied) {
      for (const [name, value] of instance.attrs) {
        copied.attrs.set(name, remap(value));
      }
    }
  }
  return valueOf(root);
}
