// ESLint flat config: typescript-eslint's recommended rules, and the core kept free of `vscode`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      curly: 'error',
      eqeqeq: 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is pure: no vscode API (the CLI and the webview run it).' }] }],
    },
  },
  {
    // The incremental memo knows no framework and never calls back into the pipeline that consults it (a later block
    // replaces the rule above for these files, so vscode is listed again).
    files: ['src/core/incremental/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is pure: no vscode API (see DESIGN.md).' }],
          patterns: [
            { group: ['**/frameworks/**'], message: 'The memo knows no framework: adapters hand it their hooks (incremental/reuseHooks.ts).' },
            { group: ['**/analyze', '**/engine'], message: 'The pipeline consults the memo, not the other way round.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
