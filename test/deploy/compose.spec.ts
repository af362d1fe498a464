/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked statically:
 * the compose file against the Compose Specification schema (vendored, see
 * compose-spec.schema.SOURCE.md), then the rules the deployment relies on.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { loadConfig } from '#config';

// CommonJS whose module.exports is the plugin and whose `.default` is it too: typed as the latter.
const addFormats = addFormatsModule.default;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface Service {
  image?: string;
  build?: { context: string; target?: string } | string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Compose resolves YAML merge keys (`<<: *anchor`) before it validates; so do we. */
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const dockerfile = read('Dockerfile');

function composeValidator() {
  const schema = readJson(join(here, 'compose-spec.schema.json'));
  const draft07 = readJson(join(root, 'node_modules/ajv/dist/refs/json-schema-draft-07.json'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The schema names draft-07 by its https address; Ajv knows it by the http one.
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema as string });
  return ajv.compile(schema);
}

/** The lines of the Dockerfile's last stage (the image that runs), continuation lines joined. */
function runtimeStage(): string[] {
  const lines = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  return lines.slice(lastFrom);
}

const env = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[service]!.environment ?? {}).map(([k, v]) => [k, String(v)]));

const STATEFUL: Record<string, string> = {
  postgres: '/var/lib/postgresql/data',
  kafka: '/var/lib/kafka/data',
  kurrentdb: '/var/lib/kurrentdb',
};
const APPS = ['api', 'worker'];

describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema check is not vacuous: a misspelt healthcheck key is refused', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.postgres!.healthcheck = { tst: ['CMD', 'true'] };
    expect(validate(broken)).toBe(false);
  });

  test('runs the whole stack: postgres, kafka, kurrentdb, api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'kafka', 'kurrentdb', 'postgres', 'worker']);
  });

  test('every service has a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({
        name,
        healthcheck: service.healthcheck?.test !== undefined && service.healthcheck.disable !== true,
      }).toEqual({ name, healthcheck: true });
    }
  });

  test('stateful services keep their data in declared named volumes', () => {
    for (const [name, path] of Object.entries(STATEFUL)) {
      const mount = (compose.services[name]!.volumes ?? []).find((v) => v.split(':')[1] === path);
      expect({ name, mount: mount !== undefined }).toEqual({ name, mount: true });
      const volume = mount!.split(':')[0];
      expect(volume).not.toMatch(/^[./~]/);
      expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    }
  });

  test('api and worker start only once postgres, kafka and kurrentdb are healthy', () => {
    for (const app of APPS) {
      const dependsOn = compose.services[app]!.depends_on ?? {};
      for (const dependency of ['postgres', 'kafka', 'kurrentdb']) {
        expect({ app, dependency, condition: dependsOn[dependency]?.condition }).toEqual({
          app,
          dependency,
          condition: 'service_healthy',
        });
      }
    }
  });

  test('api and worker run from the Dockerfile, the api without workers beside the worker', () => {
    for (const app of APPS) {
      expect(compose.services[app]!.build).toMatchObject({ context: '.', target: 'runtime' });
      expect(env(app)).toMatchObject({
        DATABASE_URL: expect.stringMatching(/^postgres:\/\/[^@]+@postgres:5432\//),
        KAFKA_BROKERS: 'kafka:9092',
        KURRENTDB_URL: expect.stringMatching(/^kurrentdb:\/\/kurrentdb:2113\b/),
        EVENT_STORE: expect.stringMatching(/^\$\{EVENT_STORE:-sql\}$/),
        PORT: '3000',
      });
    }
    expect(env('api').WORKERS).toBe('off');
    expect(compose.services.worker!.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(dockerfile).toMatch(/^FROM\s+\S+\s+AS\s+runtime\s*$/im);
  });

  test('the api verifies tokens with a secret the user must set, never a generated one, so the local sign-in does not exist', () => {
    const api = env('api');
    expect(api.AUTH_JWT_SECRET).toMatch(/^\$\{AUTH_JWT_SECRET:\?.*openssl rand.*\}$/);
    for (const name of ['AUTH_DEV_SECRET_FILE', 'AUTH_JWKS_URL']) expect(Object.keys(api)).not.toContain(name);
    // What the api starts with once compose has substituted the variables (`${X:-default}` and `${X:?error}`).
    const given: Record<string, string> = { AUTH_JWT_SECRET: 'x'.repeat(32) };
    const substituted = Object.fromEntries(
      Object.entries(api).map(([k, v]) => [
        k,
        v.replace(
          /\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g,
          (_, name: string, fallback?: string) => given[name] ?? fallback ?? '',
        ),
      ]),
    );
    expect(loadConfig(substituted).auth.mode).toBe('secret');
  });

  test('kafka is a single KRaft node reachable as kafka:9092', () => {
    const kafka = env('kafka');
    expect(compose.services.kafka!.image).toBe('apache/kafka:3.9.1');
    expect(kafka.KAFKA_PROCESS_ROLES!.split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@localhost:9093`);
    expect(kafka.KAFKA_LISTENERS!.split(',')).toEqual(
      expect.arrayContaining(['PLAINTEXT://:9092', 'CONTROLLER://:9093']),
    );
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka:9092');
    expect(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(kafka.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    // Storage is formatted with CLUSTER_ID: Kafka accepts only a UUID, 16 bytes in base64url.
    expect(Buffer.from(kafka.CLUSTER_ID!, 'base64url')).toHaveLength(16);
    expect(kafka.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('kurrentdb is a 25.1+ single node (the adapter needs multi-stream appends)', () => {
    const [, tag] = compose.services.kurrentdb!.image!.split(':');
    const [major, minor] = tag!.split('.').map(Number);
    expect(major! > 25 || (major === 25 && minor! >= 1)).toBe(true);
    expect(env('kurrentdb')).toMatchObject({ KURRENTDB_CLUSTER_SIZE: '1', KURRENTDB_NODE_PORT: '2113' });
  });
});

describe('Dockerfile', () => {
  test('builds in stages and runs as a non-root user with production dependencies only', () => {
    expect(dockerfile.match(/^FROM\s/gim)!.length).toBeGreaterThanOrEqual(2);
    const stage = runtimeStage();
    const user = stage.filter((l) => /^USER\s/i.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    const installs = stage.filter((l) => /^RUN\s.*\bnpm\s+(ci|install)\b/i.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/\bnpm ci\b.*--omit=dev\b/);
    // The build stage's node_modules hold the dev dependencies: the runtime must not copy them.
    expect(stage.filter((l) => /^COPY\s.*node_modules/i.test(l))).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  test('the Docker Compose section names the command and every service of the compose file', () => {
    const readme = read('docs/operations.md');
    const start = readme.indexOf('## Running with Docker Compose');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    expect(section).toContain('docker compose up --build');
    expect(section).toContain('EVENT_STORE=kurrentdb');
    for (const name of Object.keys(compose.services)) expect(section).toContain(`\`${name}\``);
  });
});
