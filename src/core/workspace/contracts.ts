/**
 * What the parts of workspace imports ask of each other, as interfaces, so that each part
 * depends on a contract rather than on the part that fulfils it (no import cycles).
 */
import type { WorkspaceFiles } from './files';
import type { WorkspaceLayout } from './layout';
import type { ParsedModule } from './parsedModule';
import type { ResolvedModule } from './resolve';

/** Where a link reads the files and their parses (WorkspaceImports). */
export interface ModuleStore {
  readonly files: WorkspaceFiles;
  readonly layout: WorkspaceLayout;
  /** The parsed file at `path`, or undefined when it cannot be read or parsed. */
  module(path: string): ParsedModule | undefined;
}

/** An imported file placed in the virtual source (./parsedModule.ts). */
export interface PlacedModule {
  module: ParsedModule;
  index: number;
  line: number;
}

/** What a module runner reads of its analysis's link (ImportLink). */
export interface LinkedModules {
  /** The analysed file's path. */
  readonly path: string;
  readonly files: WorkspaceFiles;
  /** True when only library modules (bundled stubs) are resolved: the file is analysed without its workspace. */
  readonly librariesOnly: boolean;
  /** The workspace module `spec` names from the file at `fromPath`. */
  resolve(fromPath: string, spec: string): ResolvedModule | undefined;
  /** The placed imported file at `path`, if it is in the closure. */
  placedModule(path: string): PlacedModule | undefined;
  /** A path as notes show it. */
  shown(path: string): string;
}
