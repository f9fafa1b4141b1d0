/**
 * A small glob matcher for exclusion settings (`**` any folders, `*` and `?` within a name,
 * `{a,b}` alternatives), matched against `/`-separated relative paths. No `vscode` import, so the
 * workspace scan and the tests share it.
 */

/** A regular expression for a glob. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) {
        out += '\\{';
        continue;
      }
      out += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((part) => globToRegExp(part).source.slice(1, -1))
        .join('|')})`;
      i = end;
    } else {
      out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** True when the relative path matches any of the globs. */
export function matchesAnyGlob(relativePath: string, globs: string[]): boolean {
  const path = relativePath.replace(/\\/g, '/');
  return globs.some((glob) => globToRegExp(glob).test(path) || globToRegExp(`**/${glob}`).test(path));
}
