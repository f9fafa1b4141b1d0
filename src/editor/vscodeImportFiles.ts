/**
 * Workspace imports as the editor sees them: the layout (workspace folders, `initLens.extraPaths`),
 * how a document's location is spelled as a path of the workspace model (core/workspace/paths.ts),
 * and files read through `vscode.workspace.fs` (desktop and web alike) with open documents first.
 * Paths are those of the first workspace folder's scheme: a document of another scheme (untitled,
 * another file system) gets no workspace imports.
 */
import * as vscode from 'vscode';
import type { WorkspaceLayout } from '../core/workspace/layout';
import { normalizePath } from '../core/workspace/paths';
import type { FileSource } from './hostImportFiles';

/** The scheme and authority workspace paths are in (the first folder's, else the disk). */
function base(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/');
}

/** The workspace path of a location, or undefined when imports are not read for it. */
export function workspacePathOf(uri: vscode.Uri): string | undefined {
  const root = base();
  if (uri.scheme !== root.scheme || (uri.scheme !== 'file' && uri.authority !== root.authority)) {
    return undefined;
  }
  return normalizePath(uri.scheme === 'file' ? uri.fsPath : uri.path);
}

/** The location of a workspace path. */
export function uriOfPath(path: string): vscode.Uri {
  const root = base();
  return root.scheme === 'file' ? vscode.Uri.file(path) : root.with({ path, query: '', fragment: '' });
}

/** Where imports are searched: the workspace folders (of the paths' scheme), the extra paths, then the user's stub folders. */
export function editorLayout(extraPaths: readonly string[], stubPaths: readonly string[] = []): WorkspaceLayout {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => workspacePathOf(folder.uri)).filter((path): path is string => path !== undefined);
  return { folders, extraPaths: [...extraPaths], ...(stubPaths.length > 0 ? { stubPaths: [...stubPaths] } : {}) };
}

/** Files read through `vscode.workspace.fs`, an open document's text first. */
export const VSCODE_FILES: FileSource = {
  async exists(path) {
    try {
      await vscode.workspace.fs.stat(uriOfPath(path));
      return true;
    } catch {
      return false;
    }
  },
  async read(path) {
    try {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uriOfPath(path)));
    } catch {
      return undefined;
    }
  },
  openText(path) {
    const document = vscode.workspace.textDocuments.find(
      (candidate) => candidate.uri.scheme !== 'vscode-notebook-cell' && workspacePathOf(candidate.uri) === path,
    );
    return document?.getText();
  },
};
