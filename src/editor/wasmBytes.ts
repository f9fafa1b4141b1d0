/**
 * The grammar's wasm files handed to web-tree-sitter as bytes, for the web-worker extension host and
 * the Web Worker it starts. There, web-tree-sitter would `fetch` the files, but the extension's URI is
 * often not fetchable (`vscode-remote:`, `vscode-vfs:`) and the host's content security policy allows
 * neither `blob:` nor `data:` URLs: so the host reads the bytes through `vscode.workspace.fs` and they
 * go in as `wasmBinary` (the runtime) and as the `Uint8Array` `Language.load` accepts (the grammar).
 * core/python/parser.ts `loadPython` names each file through a `WasmLocation`; the names answered here
 * are markers that the `Language.load` of this bundle's own web-tree-sitter copy maps to the bytes.
 * No `vscode` import, so the worker uses it too.
 */
import { Language, Parser } from 'web-tree-sitter';
import type { WasmLocation } from '../core/python/parser';

/** The two wasm files web-tree-sitter needs, by file name. */
export const WASM_FILES = ['web-tree-sitter.wasm', 'tree-sitter-python.wasm'] as const;

/** The bytes of each wasm file, by name. */
export type WasmBytes = Record<(typeof WASM_FILES)[number], Uint8Array>;

/** What `locate` answers: a name no fetch could resolve, so a miss fails loudly. */
const MARKER = 'init-lens-wasm:';

/**
 * Starts web-tree-sitter's runtime from its bytes and returns a location for `loadPython` whose
 * grammar name `Language.load` reads from the bytes too. Call it before `loadPython`.
 */
export async function wasmBytesLocation(bytes: WasmBytes): Promise<WasmLocation> {
  // The runtime module is made once per bundle: `loadPython`'s own `Parser.init` then reuses it.
  await Parser.init({ wasmBinary: bytes['web-tree-sitter.wasm'].slice().buffer });
  const load = Language.load.bind(Language);
  const grammar = `${MARKER}tree-sitter-python.wasm`;
  Language.load = (input) => load(input === grammar ? bytes['tree-sitter-python.wasm'] : input);
  return { locate: (name: string) => `${MARKER}${name}` };
}
