// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const workspaces = ['libs', 'services', 'plugins', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => `${group}/${name}`))
  .concat(['tests'])
  .filter((dir) => existsSync(join(root, dir, 'package.json')));

// Every package declares what its code imports (workspace links would hide a missing one);
// tests, benches and configs may also use the root's dev tools (vitest, fast-check, playwright).
const declaredDependencies = workspaces.flatMap((dir) => [
  {
    files: [`${dir}/src/**/*.{ts,tsx}`],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: [join(root, dir)], devDependencies: false, includeTypes: true }] },
  },
  {
    files: [`${dir}/**/*.{ts,tsx}`],
    ignores: [`${dir}/src/**`],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: [join(root, dir), root], devDependencies: true, includeTypes: true }] },
  },
]);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'test-artifacts/**', '.aime/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*/src/**', '**/services/*/src/**', '**/plugins/*/src/**'], message: 'Import other packages by name (@aime/...), not by path.' }] }],
    },
  },
  ...declaredDependencies,
  // Services never reach into each other: what two services share lives in a lib. (The
  // path rule of the block above is repeated: a later no-restricted-imports replaces it.)
  ...['commander', 'actor-factory', 'actors'].map((own) => ({
    files: [`services/${own}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/libs/*/src/**', '**/services/*/src/**', '**/plugins/*/src/**'], message: 'Import other packages by name (@aime/...), not by path.' },
            {
              group: ['@aime/commander', '@aime/actor-factory', '@aime/actors'].filter((p) => p !== `@aime/${own}`),
              message: 'Services do not import each other: move what they share into a lib (e.g. @aime/queues).',
            },
          ],
        },
      ],
    },
  })),
  // Plain Node scripts (the dependency check, build helpers) run outside TypeScript.
  {
    files: ['scripts/**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['libs/protocol/**', 'apps/dashboard/**', 'libs/client/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'The protocol, the client and the dashboard run in browsers: no Node-only imports.' }] }],
    },
  },
  // One source for error messages and zod-issue text: @aime/protocol's errorMessage and formatIssues.
  {
    files: ['{libs,services,apps,plugins}/*/src/**/*.{ts,tsx}'],
    ignores: ['libs/protocol/src/format.ts', 'apps/dashboard/src/components/system-page.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ConditionalExpression[test.operator='instanceof'][test.right.name='Error'][consequent.property.name='message'][alternate.callee.name='String']",
          message: "Use errorMessage(err) from @aime/protocol instead of 'err instanceof Error ? err.message : String(err)'.",
        },
        {
          selector: "CallExpression[callee.property.name='map'][callee.object.property.name='issues']",
          message: 'Format zod issues with formatIssues from @aime/protocol (list or inline style).',
        },
      ],
    },
  },
);
