/**
 * The workspace's files with the bundled model stubs (../stubs/library.ts) readable at their own
 * paths, which no workspace path can be: what resolution and analysis read.
 */
import { isStubPath, stubExists, stubText } from '../stubs/library';
import type { WorkspaceFiles } from './files';
import { parseModule, type ParsedModule } from './parsedModule';

/**
 * Parsed stubs by path. A bounded pure memo: at most one entry per bundled stub, whose text never
 * changes; the trees are shared between analyses as every imported tree is (each analysis places them first).
 */
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const PARSED_STUBS = new Map<string, ParsedModule | undefined>();

/** The parsed stub at `path` (parsed once per process), or undefined when there is none. */
export function parsedStub(path: string): ParsedModule | undefined {
  if (!PARSED_STUBS.has(path)) {
    const text = stubText(path);
    PARSED_STUBS.set(path, text === undefined ? undefined : parseModule(text));
  }
  return PARSED_STUBS.get(path);
}

/** `files` with the bundled stubs readable at their paths. */
export function withStubs(files: WorkspaceFiles): WorkspaceFiles {
  return {
    exists: (path) => (isStubPath(path) ? stubExists(path) : files.exists(path)),
    read: (path) => (isStubPath(path) ? stubText(path) : files.read(path)),
  };
}
