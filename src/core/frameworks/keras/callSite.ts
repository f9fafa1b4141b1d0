/**
 * The arguments of a Keras host call and their nodes (the ranges of `kernel_initializer=` and
 * `activation=` arguments), and the rule for a call the analysis does not know: the tensors passed
 * to it meet an unknown function.
 */
import type { PyNode } from '../../python/ast';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { sym } from '../../python/eval/values';
import { merge } from './flow';
import { tensorOf, tensorValue, type KerasHost, type KValue } from './values';

/** The arguments of a host call and where it is written. */
export interface CallSite {
  node: PyNode;
  positional: KValue[];
  keywords: Map<string, KValue>;
  site: Site<KerasHost>;
}

/** The call site of a host call. */
export function callSite(args: KValue[], kwargs: Kwargs<KerasHost>, site: Site<KerasHost>): CallSite {
  return { node: site.node, positional: args, keywords: kwargs, site };
}

/** The node of an argument, by keyword or by its place in `params` (read from the call's syntax; no place after a splat). */
export function argNode(call: CallSite, params: readonly string[], key: string): PyNode | undefined {
  const args = call.node.type === 'call' ? (call.node.fields.arguments?.children ?? []) : [];
  const isKeyword = (arg: PyNode) => arg.type === 'keyword_argument' && arg.fields.name !== undefined && arg.fields.value !== undefined;
  const keyword = args.filter((arg) => isKeyword(arg) && call.site.ev.text(arg.fields.name!) === key).pop();
  if (keyword || args.some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat')) {
    return keyword?.fields.value;
  }
  return args.filter((arg) => !isKeyword(arg) && arg.type !== 'comment')[params.indexOf(key)];
}

/** A call the analysis does not know: tensors passed to it meet an unknown function. */
export function unknownCall(call: CallSite): KValue {
  const tensors = [...call.positional, ...call.keywords.values()].flatMap((v) => {
    const tensor = tensorOf(v);
    return tensor ? [tensor] : [];
  });
  if (tensors.length === 0) {
    return sym(call.site.ev.text(call.node));
  }
  for (const tensor of tensors) {
    for (const layer of tensor.pending) {
      if (layer.flow.activation === undefined) {
        layer.flow.activation = 'unknown';
      }
    }
  }
  const out = merge(tensors, undefined);
  out.pending = new Set();
  return tensorValue(out);
}
