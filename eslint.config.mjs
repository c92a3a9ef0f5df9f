// Lint rules for the whole repository: type-aware TypeScript, plain JS helpers, and (later) editor HTML.
import eslint from '@eslint/js';
import html from 'eslint-plugin-html';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What RED-free code must not import: Node-RED, Express, or the adapters that wrap them (README, "Project layout"). */
export const BOUNDARY = {
  patterns: [
    {
      group: ['node-red', 'node-red/*', '@node-red/*', 'express', 'express/*', '**/node-red/*', '**/plugin/node-red'],
      message: 'src/plugin/core, src/providers and src/shared never see Node-RED: take what you need as a parameter, and adapt RED in src/plugin/node-red.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', 'coverage/', '.data/', 'resources/', 'test-results/'] },
  eslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core/adapter split: the engine and its parts, the providers and the contract never import Node-RED or Express.
    files: ['src/plugin/core/**/*.ts', 'src/providers/**/*.ts', 'src/shared/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', BOUNDARY] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Chai-style `expect(x).to.be.true` and sinon stubs read as unused expressions / unbound methods.
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/manager/console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['plugin-ui/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, $: 'readonly', RED: 'readonly' } },
  },
  {
    // Editor HTML: any inline script is linted as browser code.
    files: ['**/*.html'],
    plugins: { html },
    languageOptions: { globals: { ...globals.browser, $: 'readonly', RED: 'readonly' }, sourceType: 'script' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
);
