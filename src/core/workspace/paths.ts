/**
 * Paths of workspace files, spelled with `/` whatever the platform (the web extension has no
 * `node:path`): a Windows path's `\` become `/` once, when the path enters the workspace model.
 */

/** The path with `/` separators, no `.` segments, `..` applied where it can be, and no trailing `/`. */
export function normalizePath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const absolute = slashed.startsWith('/');
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** The folder holding `path` (`/` for a top-level entry). */
export function dirnameOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '.' : at === 0 ? '/' : path.slice(0, at);
}

/** The last segment of `path`. */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `folder` (normalized) joined with `parts`. */
export function joinPath(folder: string, ...parts: string[]): string {
  // Resolution joins plain names to normalized folders thousands of times per scan: skip the normalizing then.
  const plain =
    folder !== '.' && !folder.endsWith('/') && !folder.includes('\\') && parts.every((part) => /^[^/\\]+$/.test(part) && part !== '.' && part !== '..');
  return plain ? [folder, ...parts].join('/') : normalizePath([folder, ...parts].join('/'));
}

/**
 * `path` as a note or message of the analysed file's analysis shows it: relative to the analysed
 * file's folder when it lies under it (the analysed path may be relative, as the CLI prints it), else whole.
 */
export function shownFrom(analysedPath: string, path: string): string {
  const folder = dirnameOf(normalizePath(analysedPath));
  if (folder === '.' || folder === '/') {
    return path;
  }
  const prefix = `${folder}/`;
  if (path.startsWith(prefix)) {
    return path.slice(prefix.length);
  }
  const inside = folder.startsWith('/') ? -1 : path.indexOf(`/${prefix}`);
  return inside >= 0 ? path.slice(inside + prefix.length + 1) : path;
}
