/**
 * The arguments of a Keras host call with their nodes (the ranges of `kernel_initializer=` and
 * `activation=` arguments), and the rule for a call the analysis does not know: the tensors passed
 * to it meet an unknown function.
 */
import type { PyNode } from '../../python/ast';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { sym } from '../../python/eval/values';
import { merge } from './flow';
import { tensorOf, tensorValue, type KerasHost, type KValue } from './values';

/** The arguments of a call, with their nodes (for ranges) when the call is written in the file. */
export interface CallSite {
  node: PyNode;
  positional: KValue[];
  positionalNodes: (PyNode | undefined)[];
  keywords: Map<string, KValue>;
  keywordNodes: Map<string, PyNode>;
  site: Site<KerasHost>;
}

/** The call site of a host call: argument nodes are read from the call's syntax when it has no splat. */
export function callSite(args: KValue[], kwargs: Kwargs<KerasHost>, site: Site<KerasHost>): CallSite {
  const positionalNodes: (PyNode | undefined)[] = [];
  const keywordNodes = new Map<string, PyNode>();
  const argNodes = site.node.type === 'call' ? (site.node.fields.arguments?.children ?? []) : [];
  const splat = argNodes.some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat');
  for (const arg of argNodes) {
    if (arg.type === 'keyword_argument' && arg.fields.name && arg.fields.value) {
      keywordNodes.set(site.ev.text(arg.fields.name), arg.fields.value);
    } else if (!splat && arg.type !== 'comment' && arg.type !== 'list_splat' && arg.type !== 'dictionary_splat') {
      positionalNodes.push(arg);
    }
  }
  return { node: site.node, positional: args, positionalNodes, keywords: kwargs, keywordNodes, site };
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
