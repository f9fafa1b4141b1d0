/** Analyses a fixture workspace of test/fixtures/workspace/ the way the CLI does: from the disk, imports followed. */
import * as path from 'node:path';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import type { Layer } from '../../../src/core/graph';
import { SnapshotFiles } from '../../../src/core/workspace/files';
import { WorkspaceImports } from '../../../src/core/workspace/workspaceImports';
import { DiskFiles } from '../../../src/node/projectFiles';

export const WORKSPACES = path.join(__dirname, '..', '..', 'fixtures', 'workspace');

/** The absolute path of a fixture file, with `/` separators. */
export function fixturePath(relative: string): string {
  return path.join(WORKSPACES, relative).split(path.sep).join('/');
}

/** Analyses `relative` (a file of the fixture workspace `workspace`) with its imports. */
export function analyzeFixture(workspace: string, relative: string): FileAnalysis {
  const files = new DiskFiles();
  const imports = new WorkspaceImports(files, { folders: [fixturePath(workspace)] });
  const file = fixturePath(path.posix.join(workspace, relative));
  return analyzeFile(files.read(file)!, file, { imports });
}

/** A layer as the tests state it: name, type, fans, weight init, activation, and the file it is defined in. */
export function describeLayer(layer: Layer): string {
  const activation = layer.activation === null ? 'none' : layer.activation === 'unknown' ? 'unknown' : layer.activation.name;
  const file = layer.range.path ? path.posix.basename(layer.range.path) : 'here';
  return `${layer.name} ${layer.type}(${layer.fanIn}→${layer.fanOut}) ${layer.init.weight?.name ?? '-'} → ${activation} @${file}:${layer.range.start.line + 1}`;
}

/** A synchronous snapshot holding these files (and, implicitly, their folders). */
export function snapshotOf(files: Record<string, string>): SnapshotFiles {
  const view = new SnapshotFiles();
  for (const [file, text] of Object.entries(files)) {
    view.setText(file, text);
    for (let at = file.lastIndexOf('/'); at > 0; at = file.lastIndexOf('/', at - 1)) {
      view.setExists(file.slice(0, at), true);
    }
  }
  return view;
}
