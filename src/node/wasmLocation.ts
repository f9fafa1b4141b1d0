/**
 * Finds the two tree-sitter wasm files on disk for Node hosts (CLI, desktop extension, tests):
 * beside the bundle in `dist/` when running bundled, else in node_modules when running from source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WasmLocation } from '../core/python/parser';

/** The wasm files' home: `dir` if both are there, else the installed packages. */
export function nodeWasmLocation(dir: string = __dirname): WasmLocation {
  const inDir = (name: string) => path.join(dir, name);
  if (fs.existsSync(inDir('web-tree-sitter.wasm')) && fs.existsSync(inDir('tree-sitter-python.wasm'))) {
    return { locate: inDir };
  }
  return {
    locate: (name: string) =>
      name === 'tree-sitter-python.wasm'
        ? require.resolve('tree-sitter-python/tree-sitter-python.wasm')
        : require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  };
}
