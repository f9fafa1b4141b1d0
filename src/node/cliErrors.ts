/**
 * The two errors the command line turns into exit code 2: a usage or I/O error (one line on
 * stderr) and malformed `[tool.init-lens]` tables (one `file:line: key: problem` line each).
 */

/** Thrown for a usage or I/O error: one line to stderr, exit code 2. */
export class UsageError extends Error {}

/** Thrown for malformed `[tool.init-lens]` tables: one `file:line: key: problem` line each to stderr, exit code 2. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}
