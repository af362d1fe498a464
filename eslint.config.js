import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'web/dist/**', '.kafka*/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware rules: each file is checked against the tsconfig.json nearest to it (the root one, or
    // apps/web/tsconfig.json for the web client).
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Plain JavaScript (this file, jest.config.js, the Kafka scripts) is in no tsconfig.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain stays pure: no framework, database or broker in libs/domain (docs/architecture.md, "Pure deciders").
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'pg', '@electric-sql/*', 'kafkajs', 'class-validator', 'class-transformer', 'node:*', 'fs', 'http'], message: 'libs/domain is pure: no framework or I/O imports.' },
            { group: ['#*'], message: 'libs/domain depends on no other lib.' },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read in one place (docs/architecture.md, "One configuration").
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through #config.' }],
    },
  },
);
