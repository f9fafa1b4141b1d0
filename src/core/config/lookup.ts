/**
 * Where a file's `pyproject.toml` is looked for: its folder, then each folder above it, up to and
 * including a stop folder (the workspace folder, the CLI's `--root`) or the filesystem root. Paths use
 * `/` (the CLI converts Windows separators), so the editor's URI paths and the CLI's share this.
 */

/** The folders from `dir` upward, ending at `stop` when `dir` is inside it, else at the root. */
export function ancestorDirs(dir: string, stop?: string): string[] {
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const end = stop === undefined ? undefined : trim(stop);
  const dirs: string[] = [];
  let current = trim(dir);
  for (;;) {
    dirs.push(current);
    if (current === end) {
      break;
    }
    const slash = current.lastIndexOf('/');
    if (slash < 0 || current === '/') {
      break;
    }
    current = slash === 0 ? '/' : current.slice(0, slash);
  }
  return dirs;
}

/** The `pyproject.toml` path in a folder. */
export function pyprojectIn(dir: string): string {
  return dir.endsWith('/') ? `${dir}pyproject.toml` : `${dir}/pyproject.toml`;
}
