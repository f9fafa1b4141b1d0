/**
 * Spells a recommendation as PyTorch code: rewrites the init call in force, or inserts one right
 * after `self.<layer> = …` in `__init__`, using the `torch.nn.init` alias the file already has and
 * adding `import math` only when the new call needs it. Edits are minimal and idempotent: after
 * applying one, the re-analysed layer has the recommended init in force.
 */
import type { ArgValue, FileGraph, InitInForce, Layer, Model, Range } from '../../graph';
import { alsoTouchesNote, sharedClassNote } from '../../advice/fixScope';
import type { FixSpeller, ResidualSpeller } from '../../advice/advise';
import type { Recommendation, TextEdit } from '../../advice/types';
import { TORCH_MODULES } from './catalog';
import { SharedWrites } from './sharedWrites';
import { insertAfterStatement, statementInBlock, toPositionEdit, type NewLine } from '../../python/edits';
import { addImportEdit, aliasFor, importBindings } from '../../python/importAliases';
import { LineTable } from '../../python/lines';

/** The file's view needed for spelling: its text, lines and quotes. */
interface SourceInfo {
  text: string;
  lines: LineTable;
  quote: string;
}

function sourceInfo(text: string): SourceInfo {
  return { text, lines: new LineTable(text), quote: prefersDoubleQuotes(text) ? '"' : "'" };
}

/** True when the file quotes more names with `"` than with `'` (the quote new code uses). */
export function prefersDoubleQuotes(text: string): boolean {
  return quotedNames(text, '"') > quotedNames(text, "'");
}

/** How many times `/"[A-Za-z_]+"/g` (with `quote`) matches, counted without building the list of matches. */
function quotedNames(text: string, quote: string): number {
  let count = 0;
  for (let at = text.indexOf(quote); at >= 0;) {
    let end = at + 1;
    for (let c = text.charCodeAt(end); (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; c = text.charCodeAt(++end)) {
      // Letters and underscores.
    }
    if (end > at + 1 && text[end] === quote) {
      count++;
      at = text.indexOf(quote, end + 1);
    } else {
      at = text.indexOf(quote, at + 1);
    }
  }
  return count;
}

/** The prefix that reaches `torch.nn.init` in this file (`nn.init.`, `init.`, `torch.nn.init.`), and an import to add if none does. */
export function initPrefix(text: string): { prefix: string; importLine: string | null } {
  // The most direct alias among the file's imports; `torch.nn.init.` and `import torch` without one.
  const alias = aliasFor(importBindings(text), 'torch.nn.init');
  return alias === null ? { prefix: 'torch.nn.init.', importLine: 'import torch' } : { prefix: `${alias}.`, importLine: null };
}

function literal(value: ArgValue, quote: string): string {
  if (typeof value === 'string') {
    return `${quote}${value}${quote}`;
  }
  if (typeof value === 'boolean' || value === null) {
    return value === null ? 'None' : value ? 'True' : 'False';
  }
  return typeof value === 'number' ? String(value) : value.expr;
}

/** The argument list after the tensor for a recommendation. */
function argumentText(recommendation: Recommendation, tensor: string, layer: Layer, prefix: string, info: SourceInfo): { text: string; needsMath: boolean } {
  if (recommendation.gain !== undefined) {
    const fanIn = typeof layer.fanIn === 'number' ? String(layer.fanIn) : `${tensor}[0].numel()`;
    return { text: `, std=${recommendation.gain.toFixed(4)} / math.sqrt(${fanIn})`, needsMath: true };
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(recommendation.args)) {
    if (key === 'gain' && recommendation.name.startsWith('xavier') && typeof value === 'number' && Math.abs(value - 5 / 3) < 1e-12) {
      parts.push(`gain=${prefix}calculate_gain(${info.quote}tanh${info.quote})`);
    } else {
      parts.push(`${key}=${literal(value, info.quote)}`);
    }
  }
  return { text: parts.length > 0 ? `, ${parts.join(', ')}` : '', needsMath: false };
}

/** `import math` where imports go, when the file lacks it. */
function mathImport(info: SourceInfo): TextEdit | null {
  return /^\s*import\s+math\b/m.test(info.text) ? null : toPositionEdit(info.lines, addImportEdit(info.text, 'import math'));
}

/** Reads an existing init call: its `torch.nn.init` prefix (if a function) and the tensor expression. */
function parseInitCall(callText: string): { prefix: string | null; tensor: string } | null {
  const open = callText.indexOf('(');
  if (open < 0) {
    return null;
  }
  const callee = callText.slice(0, open).trim();
  const dot = callee.lastIndexOf('.');
  const method = dot >= 0 ? callee.slice(dot + 1) : callee;
  const object = dot >= 0 ? callee.slice(0, dot) : '';
  // `nn.init.normal_(t, …)`, `init.normal_(t, …)`, `normal_(t, …)` are init functions; `t.normal_(…)` is a tensor method.
  const isInitFunction = object === '' || /(^|\.)init$/.test(object);
  if (!isInitFunction) {
    return /^(normal_|uniform_|zero_|fill_|trunc_normal_)$/.test(method) ? { prefix: null, tensor: object.replace(/\.data$/, '') } : null;
  }
  const tensor = firstArgument(callText.slice(open + 1));
  return tensor ? { prefix: object ? `${object}.` : '', tensor: tensor.replace(/\.data$/, '') } : null;
}

/** The text of the first argument of a call, given the text after its `(` (brackets and strings respected). */
function firstArgument(rest: string): string | null {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (quote) {
      if (c === quote && rest[i - 1] !== '\\') {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        return rest.slice(0, i).trim() || null;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      return rest.slice(0, i).trim() || null;
    }
  }
  return null;
}

/** How the file names a torch.nn class (`nn.Linear`, `Linear`, `torch.nn.Linear`), or a class of its own as written. */
function classReference(type: string, info: SourceInfo): string {
  if (!(type in TORCH_MODULES)) {
    return type;
  }
  return aliasFor(importBindings(info.text), `torch.nn.${type}`) ?? `torch.nn.${type}`;
}

/** The edit that puts lines (each `depth` steps deeper) after the statement at `range`. */
function insertAfter(info: SourceInfo, range: Range, body: NewLine[]): TextEdit {
  return toPositionEdit(info.lines, insertAfterStatement(info.lines, range, body));
}

/**
 * Where code that sets a parameter goes: after the layer's definition when nothing writes the
 * parameter, else after the statement of the definition's block that holds the last write (the init
 * in force, or its `.apply(…)` call), so no later write undoes it. Null when that write is outside
 * the block (another method): the fix is then not offered.
 */
function afterLastWrite(info: SourceInfo, definition: Range, init: InitInForce): Range | null {
  if (init.source === 'default') {
    return definition;
  }
  const write = init.site ?? init.range;
  return statementInBlock(info.lines, definition, write.end.line);
}

/**
 * A speller for one file. `recommendationOf` gives each layer's recommendation, so that a call
 * that writes several layers is rewritten only when they all want the same init.
 */
export function pytorchFixSpeller(text: string, graph: FileGraph, recommendationOf: (layer: Layer) => Recommendation | null): FixSpeller {
  const info = sourceInfo(text);
  const { prefix: filePrefix, importLine } = initPrefix(text);
  // Computed once per file, not once per fix: each reads the whole text.
  const shared = new SharedWrites(graph, recommendationOf);
  let math: { edit: TextEdit | null } | undefined;
  const importEdit = importLine ? toPositionEdit(info.lines, addImportEdit(text, importLine)) : null;
  const classNames = new Map<string, string>();
  const classOf = (type: string) => classNames.get(type) ?? classNames.set(type, classReference(type, info)).get(type)!;
  return (layer, param, recommendation, fixTitle) => {
    let title = fixTitle;
    const init = layer.init[param];
    if (!init) {
      return null;
    }
    const edits: TextEdit[] = [];
    let needsMath = false;
    if (param === 'weight_hh') {
      if (!layer.definition) {
        return null;
      }
      const place = afterLastWrite(info, layer.definition.range, init);
      if (!place) {
        return null;
      }
      const q = info.quote;
      edits.push(
        insertAfter(info, place, [
          { depth: 0, text: `for name, param in ${layer.definition.target}.named_parameters():` },
          { depth: 1, text: `if ${q}weight_hh${q} in name:` },
          { depth: 2, text: `${filePrefix}orthogonal_(param)` },
        ]),
      );
    } else if (init.source === 'default' && !layer.definition && layer.container) {
      // A layer inside `self.net = nn.Sequential(...)`: one loop over the container's modules of this type.
      const container = layer.container;
      if (!shared.containerAgrees(layer, param, recommendation)) {
        return null;
      }
      const args = argumentText(recommendation, `m.${param}`, layer, filePrefix, info);
      needsMath = args.needsMath;
      const fanText = args.text.replace(/std=([\d.]+) \/ math\.sqrt\(\d+\)/, 'std=$1 / math.sqrt(m.weight[0].numel())');
      edits.push(
        insertAfter(info, container.range, [
          { depth: 0, text: `for m in ${container.target}.modules():` },
          { depth: 1, text: `if isinstance(m, ${classOf(layer.type)}):` },
          { depth: 2, text: `${filePrefix}${recommendation.name}_(m.${param}${fanText})` },
        ]),
      );
      // The loop reaches every layer of the type, the output layer too: the title names those with no finding.
      const untouched = shared.containerUntouched(layer, param);
      title = `${title} (every ${layer.type} in ${container.target}${alsoTouchesNote(untouched)})`;
    } else if (init.source === 'default') {
      if (!layer.definition) {
        return null;
      }
      const tensor = `${layer.definition.target}.${param}`;
      const args = argumentText(recommendation, tensor, layer, filePrefix, info);
      needsMath = args.needsMath;
      edits.push(insertAfter(info, layer.definition.range, [{ depth: 0, text: `${filePrefix}${recommendation.name}_(${tensor}${args.text})` }]));
    } else if (init.name !== 'unknown') {
      // Rewrite the call in force, when every layer it writes wants the same init.
      if (!shared.callAgrees(init, param, recommendation)) {
        return null;
      }
      const parsed = parseInitCall(info.lines.slice(init.range.start, init.range.end));
      if (!parsed) {
        return null;
      }
      const prefix = parsed.prefix && /init\.$/.test(parsed.prefix) ? parsed.prefix : filePrefix;
      const args = argumentText(recommendation, parsed.tensor, layer, prefix, info);
      needsMath = args.needsMath;
      edits.push({ range: init.range, newText: `${prefix}${recommendation.name}_(${parsed.tensor}${args.text})` });
    } else {
      return null;
    }
    if (needsMath) {
      math ??= { edit: mathImport(info) };
      if (math.edit) {
        edits.push(math.edit);
      }
    }
    if (importEdit) {
      edits.push(importEdit);
    }
    // An edit in a class's code reaches every model built from it.
    return { title: title + sharedClassNote(graph, layer), edits };
  };
}

/**
 * The parameter-name suffixes that pick exactly the residual ends among the model's layers: the
 * last part of each end's name (`.c_proj.weight`), or more parts when that also names another layer
 * (a timm ViT's `patch_embed.proj` beside `blocks.*.attn.proj`: `.attn.proj.weight`). Null when
 * even the whole names (wildcards aside) do not tell them apart.
 */
function endSuffixes(model: Model, ends: Layer[]): string[] | null {
  const endNames = new Set(ends.map((layer) => layer.name));
  const others = model.layers.filter((layer) => !endNames.has(layer.name) && 'weight' in layer.init).map((layer) => `.${layer.name}.weight`);
  const longest = Math.max(...ends.map((layer) => layer.name.split('.').length));
  for (let parts = 1; parts <= longest; parts++) {
    const suffixes = [...new Set(ends.map((layer) => `.${layer.name.split('.').slice(-parts).join('.')}.weight`))];
    // A wildcard (`h.*.mlp`) cannot be part of a literal suffix.
    if (suffixes.some((suffix) => suffix.includes('*'))) {
      return null;
    }
    if (!others.some((other) => suffixes.some((suffix) => other.endsWith(suffix)))) {
      return suffixes;
    }
  }
  return null;
}

/**
 * GPT-2's scaled init as code: after the model's `.apply(init_fn)` call, a loop over
 * `named_parameters()` rescales the weights whose names end like the residual branch ends.
 * Null when the ends were not initialised through `.apply`, or when a suffix would also match
 * another layer.
 */
export function pytorchResidualSpeller(text: string): ResidualSpeller {
  const info = sourceInfo(text);
  const { prefix } = initPrefix(text);
  return (model: Model, ends: Layer[], std: number, title: string) => {
    const site = ends[0]?.init.weight?.site;
    if (!site || !ends.every((layer) => layer.init.weight?.site?.start.line === site.start.line)) {
      return null;
    }
    const suffixes = endSuffixes(model, ends);
    if (!suffixes) {
      return null;
    }
    const siteText = info.lines.slice(site.start, site.end);
    const receiver = /^(.*)\.apply\s*\(/s.exec(siteText)?.[1]?.trim();
    if (!receiver) {
      return null;
    }
    const q = info.quote;
    const suffixText = suffixes.length === 1 ? `${q}${suffixes[0]}${q}` : `(${suffixes.map((s) => `${q}${s}${q}`).join(', ')})`;
    const base = Math.sqrt(ends.length) * std;
    const edits: TextEdit[] = [
      insertAfter(info, site, [
        { depth: 0, text: `for pn, p in ${receiver}.named_parameters():` },
        { depth: 1, text: `if pn.endswith(${suffixText}):` },
        { depth: 2, text: `${prefix}normal_(p, mean=0.0, std=${Number(base.toPrecision(6))} / math.sqrt(${ends.length}))` },
      ]),
    ];
    const math = mathImport(info);
    if (math) {
      edits.push(math);
    }
    return { title, edits };
  };
}
