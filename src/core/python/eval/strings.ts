/**
 * Python text: string literal escapes, `str()`/`repr()` of plain values, format specs (`{x:>8.2f}`)
 * and `%`-formatting. Written with loops over characters, not regular expressions (hot path).
 */
import { floatText, type Value } from './values';

const SIMPLE_ESCAPES = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['0', '\0'],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['v', '\v'],
  ['\n', ''],
]);

/** Decodes the backslash escapes of a string literal's content (`\n`, `\x41`, `\u00e9`). */
export function unescape(text: string): string {
  if (text.indexOf('\\') < 0) {
    return text;
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i]!;
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) {
      out += simple;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const code = parseInt(text.slice(i + 1, i + 1 + width), 16);
      out += Number.isNaN(code) ? '\\' + next : String.fromCodePoint(code);
      i += Number.isNaN(code) ? 0 : width;
    } else {
      out += '\\' + next;
    }
  }
  return out;
}

/** Python's `repr` of a string (single quotes unless the text holds one). */
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of text) {
    if (c === '\\' || c === quote) {
      out += '\\' + c;
    } else if (c === '\n') {
      out += '\\n';
    } else if (c === '\t') {
      out += '\\t';
    } else {
      out += c;
    }
  }
  return out + quote;
}

/** `str(value)` for plain values; `show` renders what is not plain. */
export function strOf<H>(value: Value<H>, show: (value: Value<H>) => string): string {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'num':
      return value.float ? floatText(value.value) : String(value.value);
    default:
      return reprOf(value, show);
  }
}

/** `repr(value)` for plain values. */
export function reprOf<H>(value: Value<H>, show: (value: Value<H>) => string): string {
  switch (value.kind) {
    case 'str':
      return reprString(value.value);
    case 'bytes':
      return 'b' + reprString(value.value);
    case 'num':
      return value.float ? floatText(value.value) : String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const inner = value.items.map((item) => reprOf(item, show)).join(', ');
      return value.tuple ? (value.items.length === 1 ? `(${inner},)` : `(${inner})`) : `[${inner}]`;
    }
    case 'dict':
      return `{${[...value.entries.values()].map((e) => `${reprOf(e.key, show)}: ${reprOf(e.value, show)}`).join(', ')}}`;
    case 'set':
      return value.entries.size === 0 ? 'set()' : `{${[...value.entries.values()].map((e) => reprOf(e.key, show)).join(', ')}}`;
    default:
      return show(value);
  }
}

/** Applies a format spec (`>8`, `.2f`, `,`, `08.3e`, `%`) to a plain value; undefined when not understood. */
export function formatSpec<H>(value: Value<H>, spec: string, show: (value: Value<H>) => string): string | undefined {
  if (spec === '') {
    return strOf(value, show);
  }
  let i = 0;
  let fill = ' ';
  let align = '';
  if (spec.length > 1 && '<>^='.includes(spec[1]!)) {
    fill = spec[0]!;
    align = spec[1]!;
    i = 2;
  } else if ('<>^='.includes(spec[0]!)) {
    align = spec[0]!;
    i = 1;
  }
  let sign = '-';
  if ('+- '.includes(spec[i] ?? 'x')) {
    sign = spec[i++]!;
  }
  if (spec[i] === '0') {
    fill = '0';
    align ||= '=';
    i++;
  }
  let width = 0;
  while (i < spec.length && spec[i]! >= '0' && spec[i]! <= '9') {
    width = width * 10 + Number(spec[i++]);
  }
  const grouping = spec[i] === ',' || spec[i] === '_' ? spec[i++]! : '';
  let precision = -1;
  if (spec[i] === '.') {
    precision = 0;
    i++;
    while (i < spec.length && spec[i]! >= '0' && spec[i]! <= '9') {
      precision = precision * 10 + Number(spec[i++]);
    }
  }
  const type = spec.slice(i);
  if (precision > 100 || width > 100_000) {
    return undefined; // JavaScript cannot render it; the caller keeps a symbol.
  }
  let body: string;
  const n = value.kind === 'num' ? value.value : value.kind === 'bool' ? Number(value.value) : undefined;
  if (type === 's' || (type === '' && n === undefined)) {
    body = strOf(value, show);
    if (precision >= 0) {
      body = body.slice(0, precision);
    }
    align ||= '<';
  } else if (n === undefined || type.length > 1) {
    return undefined;
  } else {
    const magnitude = Math.abs(n);
    switch (type) {
      case 'f':
      case 'F':
        body = fixed(magnitude, precision < 0 ? 6 : precision);
        break;
      case 'e':
      case 'E':
        body = pythonExponent(magnitude.toExponential(precision < 0 ? 6 : precision));
        break;
      case '%':
        body = fixed(magnitude * 100, precision < 0 ? 6 : precision) + '%';
        break;
      case 'g':
      case '':
        body =
          precision < 0
            ? value.kind === 'num' && value.float
              ? floatText(magnitude)
              : String(magnitude)
            : String(Number(magnitude.toPrecision(precision || 1)));
        break;
      case 'd':
        body = String(Math.trunc(magnitude));
        break;
      case 'x':
        body = Math.trunc(magnitude).toString(16);
        break;
      case 'b':
        body = Math.trunc(magnitude).toString(2);
        break;
      case 'o':
        body = Math.trunc(magnitude).toString(8);
        break;
      default:
        return undefined;
    }
    if (grouping) {
      const dot = body.indexOf('.');
      const whole = dot < 0 ? body : body.slice(0, dot);
      let grouped = '';
      for (let k = 0; k < whole.length; k++) {
        grouped += (k > 0 && (whole.length - k) % 3 === 0 ? grouping : '') + whole[k];
      }
      body = grouped + (dot < 0 ? '' : body.slice(dot));
    }
    const prefix = n < 0 || Object.is(n, -0) ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    if (align === '=' && body.length + prefix.length < width) {
      body = fill.repeat(width - body.length - prefix.length) + body;
    }
    body = prefix + body;
    align ||= '>';
  }
  const pad = width - body.length;
  if (pad <= 0) {
    return body;
  }
  if (align === '<') {
    return body + fill.repeat(pad);
  }
  if (align === '^') {
    return fill.repeat(pad >> 1) + body + fill.repeat(pad - (pad >> 1));
  }
  return fill.repeat(pad) + body;
}

/**
 * `x.toFixed(digits)` with Python's rounding: an exact tie rounds to even (`'%.1f' % 2.25` is
 * `2.2`; JavaScript gives `2.3`). The long expansion of a double is exact, which tells a tie.
 */
export function fixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  if (digits > 60) {
    return rounded;
  }
  const exact = x.toFixed(Math.min(100, digits + 40));
  const cut = exact.length - 40;
  const rest = exact.slice(cut);
  if (rest[0] !== '5' || rest.slice(1) !== '0'.repeat(39)) {
    return rounded;
  }
  const kept = exact.slice(0, digits === 0 ? cut - 1 : cut);
  const last = kept.charCodeAt(kept.length - 1) - 48;
  return last % 2 === 0 ? kept : rounded;
}

/** JavaScript writes `1e+0`, Python `1e+00`. */
function pythonExponent(text: string): string {
  const e = text.indexOf('e');
  const digits = text.slice(e + 2);
  return digits.length < 2 ? `${text.slice(0, e + 2)}0${digits}` : text;
}

/** `format % args`: `%s %d %r %.2f %x %%` and `%(name)s`; undefined when a directive is not understood. */
export function percentFormat<H>(format: string, args: Value<H>, show: (value: Value<H>) => string): string | undefined {
  const positional = args.kind === 'list' && args.tuple ? args.items : [args];
  let next = 0;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    let value: Value<H> | undefined;
    if (format[i + 1] === '(') {
      const close = format.indexOf(')', i);
      if (close < 0 || args.kind !== 'dict') {
        return undefined;
      }
      value = args.entries.get(`s${format.slice(i + 2, close)}`)?.value;
      i = close;
    }
    let spec = '';
    while (i + 1 < format.length && '-+ #0123456789.'.includes(format[i + 1]!)) {
      spec += format[++i];
    }
    const type = format[++i];
    if (type === '%') {
      out += '%';
      continue;
    }
    value ??= positional[next++];
    if (value === undefined || type === undefined) {
      return undefined;
    }
    const text =
      type === 's'
        ? formatSpec(value, spec.startsWith('-') ? `<${spec.slice(1)}` : spec, show)
        : type === 'r'
          ? reprOf(value, show)
          : formatSpec(value, (spec.startsWith('-') ? `<${spec.slice(1)}` : spec) + (type === 'i' || type === 'u' ? 'd' : type), show);
    if (text === undefined) {
      return undefined;
    }
    out += text;
  }
  return next < positional.length && args.kind !== 'dict' ? undefined : out;
}
