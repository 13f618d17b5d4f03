// ESLint with typescript-eslint's type-aware rules (each file checked with the
// tsconfig that owns it: the server's, or public/'s for the browser code).
// Formatting is Prettier's (`npm run lint` checks both); the architecture's
// layers are scripts/check-layers.ts's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'public/js/**',
      'coverage/**',
      'data/**',
      'uploads/**',
      'backups/**',
      'reports/**',
      'stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promises: none forgotten, none passed where a callback's result is ignored.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // Every case of a union handled, or a default that says why.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // tsc's strict mode already checks these the TypeScript way.
      'no-undef': 'off',
      'no-redeclare': 'off',
    },
  },
  {
    // CommonJS configuration files (jest's) are plain Node modules.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
);
