/**
 * The part of `node:assert/strict` the in-editor suites use, for the web run: the web-worker extension
 * host has no Node modules, and the web bundle maps `node:assert/strict` here (test/integration/build.mjs).
 */

/** The error a failed assertion throws (mocha prints its message). */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

function raise(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) {
    throw message;
  }
  throw new AssertionError(message ?? fallback);
}

function show(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/** Deep strict equality over what the suites compare: primitives, arrays, plain objects, Maps and Sets. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return false;
  }
  if (a instanceof Map || a instanceof Set) {
    return same([...a], [...(b as Map<unknown, unknown> | Set<unknown>)]);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && same((a as never)[key], (b as never)[key]));
}

export function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) {
    raise(message, `expected a truthy value, got ${show(value)}`);
  }
}

export function equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!Object.is(actual, expected)) {
    raise(message, `expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (Object.is(actual, expected)) {
    raise(message, `expected something other than ${show(expected)}`);
  }
}

export function deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!same(actual, expected)) {
    raise(message, `expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (same(actual, expected)) {
    raise(message, `expected something other than ${show(expected)}`);
  }
}

export function match(value: string, pattern: RegExp, message?: string | Error): void {
  if (!pattern.test(value)) {
    raise(message, `${show(value)} does not match ${pattern}`);
  }
}

export function doesNotMatch(value: string, pattern: RegExp, message?: string | Error): void {
  if (pattern.test(value)) {
    raise(message, `${show(value)} matches ${pattern}`);
  }
}

export function throws(run: () => unknown, message?: string | Error): void {
  try {
    run();
  } catch {
    return;
  }
  raise(message, 'expected a throw');
}

export function fail(message?: string): never {
  throw new AssertionError(message ?? 'failed');
}
