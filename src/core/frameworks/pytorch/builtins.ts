/**
 * Python builtins, `torch`, `torch.nn.init`, `torch.nn.functional` and `math` as the interpreter
 * sees them, and the methods of modules, parameters, tensors, lists, dicts and strings.
 */
import type { Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { erf } from '../../math/quadrature';
import { FUNCTIONAL_ACTIVATIONS, TORCH_MODULES } from './catalog';
import { canonicalInitName } from './initCalls';
import type { Context, Interpreter } from './interpreter';
import { asNumber, list, num, sym, type Value } from './values';
import { callInit, callParamMethod, callTensorFunction, callTensorMethod } from './torchCalls';
import { callModuleMethod, callSuper } from './moduleMethods';
import { callDictMethod, callListMethod, callPythonBuiltin, callStrMethod } from './pythonBuiltins';

type Builtin = Extract<Value, { kind: 'builtin' }>;

const MATH_CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity, tau: 2 * Math.PI };
const MATH_FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  sqrt: Math.sqrt,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  exp: Math.exp,
  ceil: Math.ceil,
  floor: Math.floor,
  pow: Math.pow,
  fabs: Math.abs,
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  erf,
  prod: (...xs) => xs.reduce((a, b) => a * b, 1),
};

/** `namespace.name` for imported modules. */
export function attributeOfNamespace(path: string, name: string): Value {
  const full = `${path}.${name}`;
  if (path === 'math' || path === 'numpy') {
    if (name in MATH_CONSTANTS) {
      return num(MATH_CONSTANTS[name]!);
    }
    return name in MATH_FUNCTIONS ? { kind: 'builtin', name: `math:${name}` } : { kind: 'ns', path: full };
  }
  if (path === 'torch') {
    if (name === 'nn') {
      return { kind: 'ns', path: 'torch.nn' };
    }
    if (['relu', 'tanh', 'sigmoid', 'selu', 'softmax', 'log_softmax', 'relu_', 'sigmoid_', 'tanh_', 'celu', 'rrelu'].includes(name)) {
      return activationFn(name);
    }
    if (name === 'pi') {
      return num(Math.PI);
    }
    return { kind: 'builtin', name: `torch:${name}` };
  }
  if (path === 'torch.nn') {
    if (name === 'init' || name === 'functional' || name === 'utils' || name === 'modules' || name === 'parameter') {
      return { kind: 'ns', path: full };
    }
    if (name === 'Module' || name === 'Parameter' || name in TORCH_MODULES) {
      return { kind: 'torchClass', name };
    }
    return { kind: 'ns', path: full };
  }
  if (path === 'torch.nn.init' || name === 'trunc_normal_') {
    if (name === 'calculate_gain') {
      return { kind: 'builtin', name: 'init:calculate_gain' };
    }
    const canonical = canonicalInitName(name);
    return canonical ? { kind: 'builtin', name: `init:${canonical}` } : { kind: 'ns', path: full };
  }
  if (path === 'torch.nn.functional') {
    return name in FUNCTIONAL_ACTIVATIONS ? activationFn(name) : { kind: 'builtin', name: `F:${name}` };
  }
  if (path === 'torch.nn.parameter' && name === 'Parameter') {
    return { kind: 'torchClass', name };
  }
  if ((path === 'einops' || path.startsWith('einops.')) && (name === 'rearrange' || name === 'repeat' || name === 'reduce')) {
    return { kind: 'builtin', name: 'F:rearrange' };
  }
  return { kind: 'ns', path: full };
}

function activationFn(written: string): Value {
  const info = FUNCTIONAL_ACTIVATIONS[written] ?? { name: written.replace(/_$/, ''), params: [] };
  return { kind: 'activationFn', activation: { name: info.name, params: {}, range: zeroRange() } };
}

function zeroRange(): Range {
  return { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
}

/** A method of a value (`m.modules`, `p.normal_`, `x.view`, `s.endswith`), bound as a builtin. */
export function methodOfValue(object: Value, name: string): Value | undefined {
  switch (object.kind) {
    case 'param':
      if (name === 'data' || name === 'weight') {
        return object;
      }
      if (name === 'shape') {
        return object.param.shape
          ? list(
              object.param.shape.map((d) => (typeof d === 'number' ? num(d) : sym(d))),
              true,
            )
          : sym('shape');
      }
      return { kind: 'builtin', name: `param.${name}`, self: object };
    case 'newTensor':
      if (name === 'data') {
        return object;
      }
      return { kind: 'builtin', name: `param.${name}`, self: object };
    case 'tensor':
      if (name === 'data' || name === 'T' || name === 'mT') {
        return object;
      }
      if (name === 'shape' || name === 'dtype' || name === 'device' || name === 'ndim') {
        return sym(name);
      }
      return { kind: 'builtin', name: `tensor.${name}`, self: object };
    case 'module':
      return { kind: 'builtin', name: `module.${name}`, self: object };
    case 'list':
    case 'dict':
    case 'str':
      return { kind: 'builtin', name: `${object.kind}.${name}`, self: object };
    case 'builtin':
      if (object.name === 'super') {
        return { kind: 'builtin', name: `super.${name}`, self: object.self };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Calls a builtin. */
export function callBuiltin(
  interp: Interpreter,
  callee: Builtin,
  args: Value[],
  kwargs: Map<string, Value>,
  node: PyNode,
  ctx: Context,
  argNodes: PyNode[],
): Value {
  const name = callee.name;
  const dot = name.indexOf('.');
  const colon = name.indexOf(':');
  if (colon > 0) {
    const space = name.slice(0, colon);
    const fn = name.slice(colon + 1);
    switch (space) {
      case 'init':
        return callInit(interp, fn, args, kwargs, node, ctx, argNodes);
      case 'math': {
        const numbers = args.map(asNumber);
        const f = MATH_FUNCTIONS[fn];
        if (f && numbers.every((n): n is number => n !== undefined)) {
          return num(f(...numbers));
        }
        return sym(interp.text(node));
      }
      case 'torch':
      case 'F':
        return callTensorFunction(interp, fn, args, kwargs, node, ctx);
      default:
        return sym(interp.text(node));
    }
  }
  if (dot > 0) {
    const kind = name.slice(0, dot);
    const method = name.slice(dot + 1);
    const self = callee.self!;
    switch (kind) {
      case 'param':
        return callParamMethod(interp, self as Extract<Value, { kind: 'param' | 'newTensor' }>, method, args, node, ctx);
      case 'tensor':
        return callTensorMethod(interp, self as Extract<Value, { kind: 'tensor' }>, method, args, kwargs, node, ctx);
      case 'module':
        return callModuleMethod(interp, (self as Extract<Value, { kind: 'module' }>).module, method, args, kwargs, node, ctx);
      case 'list':
        return callListMethod(self as Extract<Value, { kind: 'list' }>, method, args, ctx);
      case 'dict':
        return callDictMethod(self as Extract<Value, { kind: 'dict' }>, method, args);
      case 'str':
        return callStrMethod((self as Extract<Value, { kind: 'str' }>).value, method, args, interp, node);
      case 'super':
        return callSuper(interp, self, method, args, kwargs, node, ctx);
      default:
        return sym(interp.text(node));
    }
  }
  return callPythonBuiltin(interp, callee, args, kwargs, node, ctx);
}
