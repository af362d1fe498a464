import path from 'node:path';
import tseslint from 'typescript-eslint';

/*
 * The layers (docs/architecture.md, "Layers"). A lib imports only libs of a lower rank; libs of one
 * rank do not import each other. Apps sit above every lib and never import another app.
 *
 *   0  domain, config          pure rules and typed configuration
 *   1  event-store             the log and its integrity
 *   2  projections, messaging  read models; Kafka and the relay
 *   3  alerting                compliance evaluation and the alerts read model (reads projections)
 *   4  platform                Nest infrastructure: config module, logging, metrics, health,
 *                              persistence, problem details, background lifecycle, auth primitives
 *   5  application             the command path: runner, cache, handlers, reference data, importer
 */
const LAYERS = {
  domain: 0,
  config: 0,
  'event-store': 1,
  projections: 2,
  messaging: 2,
  alerting: 3,
  platform: 4,
  application: 5,
};

/** apps/<name> or libs/<name> of a file, relative to the repo root; null outside them. */
const unitOf = (file) => {
  const match = path
    .relative(import.meta.dirname, file)
    .split(path.sep)
    .join('/')
    .match(/^(apps|libs)\/([^/]+)\//);
  return match ? { kind: match[1], name: match[2], dir: `${match[1]}/${match[2]}/` } : null;
};

const boundaries = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const unit = unitOf(context.filename);
    if (!unit) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        const target = path.relative(import.meta.dirname, path.resolve(path.dirname(context.filename), source));
        if (!`${target.split(path.sep).join('/')}/`.startsWith(unit.dir)) {
          context.report({
            node: node.source,
            message: `${unit.dir} imports ${source}, outside itself: share code through a lib (#name), never across apps or libs by path.`,
          });
        }
        return;
      }
      const alias = source.match(/^#([a-z-]+)$/)?.[1];
      if (!alias || unit.kind !== 'libs' || !(alias in LAYERS) || !(unit.name in LAYERS)) return;
      if (LAYERS[alias] >= LAYERS[unit.name]) {
        context.report({
          node: node.source,
          message: `libs/${unit.name} (layer ${LAYERS[unit.name]}) may import only lower layers; #${alias} is layer ${LAYERS[alias]} (see eslint.config.js).`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

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
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    plugins: { layers: { rules: { boundaries } } },
    rules: { 'layers/boundaries': 'error' },
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
            {
              group: [
                '@nestjs/*',
                'pg',
                '@electric-sql/*',
                'kafkajs',
                'class-validator',
                'class-transformer',
                'node:*',
                'fs',
                'http',
              ],
              message: 'libs/domain is pure: no framework or I/O imports.',
            },
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
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through #config.' },
      ],
    },
  },
);
