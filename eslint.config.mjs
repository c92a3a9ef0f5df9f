// Lint rules for the whole repository: type-aware TypeScript, plain JS helpers, editor HTML, and the HTML sinks of the browser code.
import eslint from '@eslint/js';
import html from 'eslint-plugin-html';
import noUnsanitized from 'eslint-plugin-no-unsanitized';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import htmlSinks from './scripts/eslint-jquery-text.mjs';

/** What RED-free code must not import: Node-RED, Express, or the adapters that wrap them (README, "Project layout"). */
export const BOUNDARY = {
  patterns: [
    {
      group: ['node-red', 'node-red/*', '@node-red/*', 'express', 'express/*', '**/node-red/*', '**/plugin/node-red'],
      message: 'src/plugin/core, src/providers and src/shared never see Node-RED: take what you need as a parameter, and adapt RED in src/plugin/node-red.',
    },
  ],
};

/**
 * Node-RED's and Express's internals (README, "How the plugin reaches into Node-RED"): the loaded-module
 * cache, Express's router stack, settings.js functionGlobalContext, the runtime's `${…}` lookup and partial
 * restart, an Express app's parent. Only the runtime bridge (src/plugin/node-red/runtime-bridge) touches them.
 */
export const ONE_BRIDGE = [
  { selector: "MemberExpression[object.name='require'][property.name='cache']", message: "Loaded modules are Node-RED's internals: reach them through the runtime bridge (src/plugin/node-red/runtime-bridge)." },
  { selector: "MemberExpression[property.name=/^(_router|router|parent)$/]", message: "Express's router stack and an app's parent are internals: use the runtime bridge's express-layers.ts." },
  { selector: "MemberExpression[property.name='functionGlobalContext']", message: 'global.SECRETS is written by the runtime bridge (global-secrets.ts) only.' },
  { selector: "MemberExpression[property.name=/^(getEnvVar|stopFlows|startFlows)$/]", message: "The runtime's `${…}` lookup and partial restart are internals: use the runtime bridge." },
];

/**
 * Where browser code turns a string into HTML (README, "Security and reliability"): innerHTML and
 * outerHTML, insertAdjacentHTML, document.write (the plugin's defaults), and jQuery's `.html(x)`,
 * `$(x)` and `RED.notify(x)` (which sets a string as innerHTML) with anything but literal markup or
 * the output of notify.ts's `plainText()`.
 */
const NO_UNSANITIZED = {
  'no-unsanitized/property': 'error',
  'no-unsanitized/method': [
    'error',
    { escape: { methods: ['plainText'] } },
    {
      notify: { objectMatches: ['(^|\\.)RED$'], properties: [0] },
      html: { properties: [0] },
      $: { properties: [0] },
      jQuery: { properties: [0] },
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
    // One bridge: every touch of an internal of Node-RED or Express goes through src/plugin/node-red/runtime-bridge.
    files: ['src/plugin/**/*.ts', 'src/providers/**/*.ts', 'src/shared/**/*.ts', 'nodes/**/*.ts'],
    ignores: ['src/plugin/node-red/runtime-bridge/**'],
    rules: { 'no-restricted-syntax': ['error', ...ONE_BRIDGE] },
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
    // The console builds its DOM with dom.ts's h(): text is text. The sinks that parse HTML are errors.
    files: ['src/manager/console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'no-unsanitized': noUnsanitized },
    rules: NO_UNSANITIZED,
  },
  {
    files: ['plugin-ui/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, $: 'readonly', RED: 'readonly' } },
    plugins: { 'no-unsanitized': noUnsanitized, 'html-sinks': htmlSinks },
    rules: {
      ...NO_UNSANITIZED,
      'html-sinks/jquery-string-insert': 'error',
      'no-restricted-properties': ['error', { object: 'RED', property: 'notify', message: 'Call notify() of plugin-ui/src/notify.ts: RED.notify sets a string message as innerHTML.' }],
    },
  },
  {
    // The one caller of RED.notify (with plainText()'s element, which no-unsanitized still checks).
    files: ['plugin-ui/src/notify.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Editor HTML: any inline script is linted as browser code, with the same HTML sinks as the sidebar.
    files: ['**/*.html'],
    plugins: { html, 'no-unsanitized': noUnsanitized },
    languageOptions: { globals: { ...globals.browser, $: 'readonly', RED: 'readonly' }, sourceType: 'script' },
    rules: NO_UNSANITIZED,
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
