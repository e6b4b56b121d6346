// @ts-check
/**
 * Lint rules. Besides typescript-eslint's type-checked recommendations and the rules of hooks, the
 * import restrictions below keep the layers apart (see ARCHITECTURE.md):
 * - src/core is framework-free: no React, zustand, recharts, and nothing from ui/ or worker/;
 * - src/ui never imports tfjs, a core module that does, or worker code (the worker is started by URL);
 * - src/shared (the wire between threads) imports neither.
 * The transitive version of the UI rule ("nothing the UI imports reaches tfjs") is a unit test:
 * src/layering.test.ts.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Core modules that import tfjs: worker-side only. */
const TFJS_CORE = [
  'train',
  'model',
  'experiment',
  'optimizers',
  'recovery',
  'batchNormGrad',
  'modelFile',
  'wasmKernels',
  'inspect/probe',
  'training/*',
];

const tfjs = { group: ['@tensorflow/*'], message: 'tfjs runs in the worker: the UI gets data through src/shared/protocol.ts.' };
const uiFrameworks = {
  group: ['react', 'react-dom', 'react-dom/*', 'react/*', 'zustand', 'zustand/*', 'recharts'],
  message: 'src/core is framework-free (it runs in Node tests and in the worker).',
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'public/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'bench-results/',
      'experiments/',
      'src/core/presetResults.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
  },
  {
    rules: {
      // A leading underscore marks a value left out on purpose (`const { a: _omit, ...rest } = x`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests: matchers (expect.any, expect.closeTo) are typed `any`, table rows use async factories
    // without awaits, and spies are read off objects; the product code keeps these rules.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'scripts/**/*.experiment.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/**/*.tsx', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            uiFrameworks,
            { group: ['**/ui/*', '**/ui/**'], message: 'src/core never imports the UI.' },
            { group: ['**/worker/*', '**/worker/**'], message: 'src/core never imports the worker adapter.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            tfjs,
            {
              group: TFJS_CORE.map((m) => `**/core/${m}`),
              message: 'This core module imports tfjs; the UI takes wire types from core/wire.ts (tfjs-free).',
            },
            {
              group: ['**/worker/*', '**/worker/**'],
              message: 'Worker code stays out of the UI bundle: start it with new Worker(new URL(...)).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [tfjs, uiFrameworks, { group: ['**/ui/*', '**/ui/**'], message: 'src/shared never imports the UI.' }] },
      ],
    },
  },
  prettier,
);
