/**
 * Python parsing with web-tree-sitter and the tree-sitter-python grammar (both `.wasm`).
 * The caller says where the two wasm files are, so the same code serves the desktop
 * extension, the web extension, the CLI and the tests.
 */
import { Parser, Language, Tree, Node, Query } from 'web-tree-sitter';

export type { Tree, Node, Query };

/** Where to find `web-tree-sitter.wasm` and `tree-sitter-python.wasm`. */
export interface WasmLocation {
  /** Maps a wasm file name to a path or URL (as Emscripten's `locateFile`). */
  locate(fileName: string): string;
}

// The tree-sitter runtime and the Python grammar, loaded once per process (the same wasm for every
// file): no file's analysis leaves anything here that another could see.
// eslint-disable-next-line no-restricted-syntax -- the one-time wasm load (see above)
let loading: Promise<Language> | undefined;
// eslint-disable-next-line no-restricted-syntax -- the one-time wasm load (see above)
let pythonLanguage: Language | undefined;

/** Loads the runtime and the grammar once; later calls return the same language. */
export function loadPython(where: WasmLocation): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      await Parser.init({ locateFile: (name: string) => where.locate(name) });
      const language = await Language.load(where.locate('tree-sitter-python.wasm'));
      pythonLanguage = language;
      return language;
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

// One reusable parser (creating one per parse costs wasm allocations): a parse without `oldTree`
// starts from nothing, and the caller that passes `oldTree` owns that tree.
// eslint-disable-next-line no-restricted-syntax -- a reusable resource, not a cache (see above)
let sharedParser: Parser | undefined;

/**
 * Parses a whole text with a shared parser. Returns the tree (the caller must `delete()` it),
 * or undefined when tree-sitter gives up (it does not on valid or broken Python; only on cancellation).
 */
export function parsePython(text: string, oldTree?: Tree): Tree | undefined {
  if (!pythonLanguage) {
    throw new Error('the Python grammar is not loaded yet (call loadPython first)');
  }
  sharedParser ??= new Parser().setLanguage(pythonLanguage);
  return sharedParser.parse(text, oldTree ?? null) ?? undefined;
}
