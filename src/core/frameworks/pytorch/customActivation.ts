/**
 * Recognises activations written by hand: a module or function with no layers whose body is a
 * known formula (GPT-2's tanh GELU, BERT's erf GELU, Swish, Mish, hard-swish). A formula it cannot
 * name but that is clearly nonlinear is `unknown`; a body with no nonlinearity, or a gated unit that splits
 * its input, is left to run.
 */
import type { Activation } from '../../graph';
import type { PyNode } from '../../python/ast';

const NONLINEAR =
  /\b(exp|log|tanh|sigmoid|relu|relu6|gelu|silu|elu|selu|softplus|mish|erf|clamp|where|abs|sin|cos|hardtanh|hardswish|softmax|pow|sqrt|maximum|minimum)\b|\*\*/;

/** Names a formula may call without being code to run. */
const FORMULA_BUILTINS = new Set(['abs', 'pow', 'max', 'min', 'float', 'int', 'len', 'super', 'return', 'if', 'and', 'or', 'not']);

/** The activation a function body computes, `unknown`, or undefined when it is no activation formula. */
export function classifyActivationBody(fn: PyNode, source: string): Activation | 'unknown' | undefined {
  const body = fn.fields.body;
  if (!body) {
    return undefined;
  }
  const text = source
    .slice(body.startIndex, body.endIndex)
    .replace(/#[^\n]*/g, '')
    .replace(/("""|''')[\s\S]*?\1/g, '')
    .replace(/\s+/g, ' ');
  const range = fn.range;
  const make = (name: string, params: Record<string, number | string> = {}): Activation => ({ name, params, range });
  if (/\btanh\b/.test(text) && (/0\.044715/.test(text) || /sqrt\(\s*2(\.0)?\s*\/\s*(math\.|np\.|torch\.)?pi/.test(text))) {
    return make('gelu', { approximate: 'tanh' });
  }
  if (/\berf\b/.test(text)) {
    return make('gelu');
  }
  if (/\bsoftplus\b/.test(text) && /\btanh\b/.test(text)) {
    return make('mish');
  }
  if (/1\.702/.test(text) && /\bsigmoid\b/.test(text)) {
    return make('gelu');
  }
  if (/\b(relu6|hardtanh)\b/.test(text) && /\+\s*3/.test(text) && /\/\s*6/.test(text)) {
    return make('hardswish');
  }
  if (/(\w+)\s*\*\s*[\w.]*sigmoid\(\s*\1\s*\)/.test(text) || /sigmoid\(\s*(\w+)\s*\)\s*\*\s*\1\b/.test(text) || /(\w+)\s*\*\s*\1\.sigmoid\(\)/.test(text)) {
    return make('silu');
  }
  // A body that calls names of its own (closure modules, helpers) is code to run, not a formula.
  const bareCalls = [...text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!);
  if (bareCalls.some((name) => !FORMULA_BUILTINS.has(name))) {
    return undefined;
  }
  // A gated unit (`x, gate = x.chunk(2, dim=-1); return x * F.gelu(gate)`) runs: its pieces are followed one by one.
  if (/\.(chunk|split)\(/.test(text)) {
    return undefined;
  }
  const statements = body.children.filter((c) => c.type !== 'comment' && !(c.type === 'expression_statement' && c.children[0]?.type === 'string'));
  const single = statements.length === 1 && statements[0]!.type === 'return_statement';
  if (single) {
    // `return F.relu(x)` and the like run as ordinary calls.
    return undefined;
  }
  return NONLINEAR.test(text) ? 'unknown' : undefined;
}
