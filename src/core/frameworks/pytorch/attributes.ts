/**
 * Attribute access on interpreter values: modules (children, parameters, class fields, methods),
 * objects, classes and symbols; attribute assignment registers sub-modules and raw parameters.
 */

import type { ArgValue, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { attributeOfNamespace, methodOfValue } from './builtins';
import { NONE, num, str, sym, type LocalClass, type ModuleInst, type Value } from './values';

import { InterpreterCore } from './interpreterCore';

import { allParams, baseContext, type Context } from './interpreterCore';

export abstract class AttributeInterpreter extends InterpreterCore {
  /** `object.name` for every kind of value. */
  getAttribute(object: Value, name: string, node: PyNode, ctx: Context): Value {
    switch (object.kind) {
      case 'ns':
        return attributeOfNamespace(object.path, name);
      case 'module': {
        const module = object.module;
        const child = module.children.get(name);
        if (child) {
          if (child.rawParam && ctx.inForward) {
            this.file.clock.mark(child);
          }
          return child.rawParam ? { kind: 'param', param: child.rawParam } : { kind: 'module', module: child };
        }
        const param = module.params.get(name);
        if (param) {
          return { kind: 'param', param };
        }
        const attr = module.attrs.get(name);
        if (attr) {
          return attr;
        }
        if ((name === 'weight' || name === 'bias') && module.torchClass) {
          return NONE;
        }
        const config = module.config[name];
        if (config !== undefined) {
          return argToValue(config);
        }
        const method = this.methodOf(module, name);
        if (method) {
          return method;
        }
        const field = this.classField(module, name, ctx);
        if (field) {
          return field;
        }
        if (name === '__class__') {
          return { kind: 'object', attrs: new Map([['__name__', str(module.className)]]) };
        }
        return methodOfValue(object, name) ?? sym(this.text(node));
      }
      case 'object': {
        const attr = object.attrs.get(name);
        if (attr) {
          return attr;
        }
        if (object.cls) {
          const method = object.cls.methods.get(name);
          if (method) {
            return { kind: 'func', fn: { name, node: method, self: object, scope: this.file.globals, ownerClass: object.cls } };
          }
          const field = object.cls.fields.get(name);
          if (field) {
            return this.eval(field, this.file.globals, ctx);
          }
        }
        return sym(this.text(node));
      }
      case 'localClass': {
        const field = object.cls.fields.get(name);
        if (field) {
          return this.eval(field, this.file.globals, ctx);
        }
        const method = object.cls.methods.get(name);
        return method ? { kind: 'func', fn: { name, node: method, scope: this.file.globals, ownerClass: object.cls } } : sym(this.text(node));
      }
      case 'sym':
        return sym(`${object.text}.${name}`);
      default:
        return methodOfValue(object, name) ?? sym(this.text(node));
    }
  }

  /** A method of a module instance: defined in its local class chain, bound to the instance. */
  protected methodOf(module: ModuleInst, name: string): Value | undefined {
    for (let cls: LocalClass | undefined = module.localClass; cls; cls = this.localBase(cls)) {
      const method = cls.methods.get(name);
      if (method) {
        const self: Value | undefined = cls.staticMethods.has(name) ? undefined : { kind: 'module', module };
        return { kind: 'func', fn: { name, node: method, self, scope: this.file.globals, ownerClass: cls } };
      }
    }
    return undefined;
  }

  /** A class-level attribute (`expansion = 4`) of a module's local class chain. */
  protected classField(module: ModuleInst, name: string, ctx: Context): Value | undefined {
    for (let cls: LocalClass | undefined = module.localClass; cls; cls = this.localBase(cls)) {
      const field = cls.fields.get(name);
      if (field) {
        return this.eval(field, this.file.globals, ctx);
      }
    }
    return undefined;
  }

  /** The first base of a local class that is itself a local class. */
  localBase(cls: LocalClass): LocalClass | undefined {
    for (const base of cls.bases) {
      const value = this.eval(base, this.file.globals, baseContext());
      if (value.kind === 'localClass') {
        return value.cls;
      }
    }
    return undefined;
  }

  /** The torch.nn class a local class derives from, if any (`MaskedConv2d(nn.Conv2d)` → `Conv2d`). */
  torchBase(cls: LocalClass): string | undefined {
    const found = this.torchBaseIn(cls, new Set());
    if (found) {
      return found;
    }
    // A base imported from elsewhere (HF `PreTrainedModel`, a project's `BaseModel`): a class with a
    // `forward` is a module. What that base does in its own constructor stays unknown.
    return this.hasImportedBase(cls) && this.findMethod(cls, 'forward') ? 'Module' : undefined;
  }

  private torchBaseIn(cls: LocalClass, seen: Set<LocalClass>): string | undefined {
    if (seen.has(cls)) {
      return undefined;
    }
    seen.add(cls);
    for (const base of cls.bases) {
      const value = this.eval(base, this.file.globals, baseContext());
      if (value.kind === 'torchClass') {
        return value.name;
      }
      if (value.kind === 'localClass') {
        const inner = this.torchBaseIn(value.cls, seen);
        if (inner) {
          return inner;
        }
      }
    }
    return undefined;
  }

  /** True when the class or one of its local bases derives from a class not in the file. */
  private hasImportedBase(cls: LocalClass, seen = new Set<LocalClass>()): boolean {
    if (seen.has(cls)) {
      return false;
    }
    seen.add(cls);
    return cls.bases.some((base) => {
      const value = this.eval(base, this.file.globals, baseContext());
      return value.kind === 'sym' || (value.kind === 'localClass' && this.hasImportedBase(value.cls, seen));
    });
  }

  setAttribute(object: Value, name: string, value: Value, node: PyNode, ctx: Context): void {
    if (object.kind === 'module') {
      const module = object.module;
      if (value.kind === 'module') {
        this.registerChild(module, name, value.module);
        return;
      }
      const tiedSlot = module.params.has(name) || (module.torchClass !== undefined && (name === 'weight' || name === 'bias'));
      if (value.kind === 'param' && !ctx.inForward && tiedSlot) {
        // `self.decoder.bias = self.bias`, `lm_head.weight = wte.weight`: a tied tensor, one record.
        module.params.set(name, value.param);
        return;
      }
      if (value.kind === 'param' && value.param.raw && !ctx.inForward) {
        this.registerRawParam(module, name, value.param.raw);
        return;
      }
      if (value.kind === 'none' && module.children.has(name)) {
        module.children.delete(name);
      }
      module.attrs.set(name, value);
      return;
    }
    if (object.kind === 'object') {
      object.attrs.set(name, value);
      return;
    }
    if (object.kind === 'param' && (name === 'data' || name === 'weight')) {
      this.writeUnknownInit(object, node.range, ctx);
    }
  }

  registerChild(parent: ModuleInst, name: string, child: ModuleInst): void {
    parent.children.set(name, child);
  }

  registerRawParam(parent: ModuleInst, name: string, raw: ModuleInst): void {
    parent.children.set(name, raw);
    if (raw.rawParam) {
      raw.rawParam.attr = name;
      // A raw parameter named like a bias reports its init under `bias`.
      raw.rawParam.key = /bias/.test(name) ? 'bias' : 'weight';
      raw.params.clear();
      raw.params.set(raw.rawParam.key, raw.rawParam);
    }
  }

  writeUnknownInit(target: Value, range: Range, ctx: Context): void {
    if (ctx.inForward) {
      // forward may rescale weights at run time (masks, equalized lr); that is not the init.
      return;
    }
    const init = { name: 'unknown', args: {}, source: ctx.initSource, variance: null, range };
    if (target.kind === 'param') {
      target.param.init = init;
    } else if (target.kind === 'newTensor') {
      target.tensor.init = init;
    } else if (target.kind === 'module' && !ctx.inForward) {
      for (const param of allParams(target.module)) {
        param.init = { ...init };
      }
    }
  }

  // ───────────────────────────── operators ─────────────────────────────

  findMethod(cls: LocalClass, name: string): { fn: PyNode; owner: LocalClass } | undefined {
    for (let c: LocalClass | undefined = cls; c; c = this.localBase(c)) {
      const method = c.methods.get(name);
      if (method) {
        return { fn: method, owner: c };
      }
    }
    return undefined;
  }
}

function argToValue(arg: ArgValue): Value {
  if (arg === null) {
    return NONE;
  }
  if (typeof arg === 'number') {
    return num(arg);
  }
  if (typeof arg === 'string') {
    return str(arg);
  }
  if (typeof arg === 'boolean') {
    return { kind: 'bool', value: arg };
  }
  return sym(arg.expr);
}
