/**
 * The workspace's files with the bundled model stubs (../stubs/library.ts) readable at their own
 * paths, which no workspace path can be: what resolution and analysis read.
 */
import { isStubPath, stubExists, stubText } from '../stubs/library';
import type { WorkspaceFiles } from './files';

/** `files` with the bundled stubs readable at their paths. */
export function withStubs(files: WorkspaceFiles): WorkspaceFiles {
  return {
    exists: (path) => (isStubPath(path) ? stubExists(path) : files.exists(path)),
    read: (path) => (isStubPath(path) ? stubText(path) : files.read(path)),
  };
}
