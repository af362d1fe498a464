// A real Kafka broker for Jest tests, started by infra/kafka/kafka.sh (see that script for the details).
//
//   const kafka = await ensureKafka();            // top level of an ESM spec file
//   const kafkaTest = kafka ? test : test.skip;   // skipped locally when no broker can be started
//
// In CI (CI=true) a broker that cannot be started throws instead: Kafka tests fail there, never skip.
// Jest runs spec files in parallel workers; they all share one broker (state dir .kafka-test/shared), and
// kafka.sh serialises concurrent starts with a lock, so calling ensureKafka() from every file is safe.
// That shared broker is left running for the next file and the next run (a later start takes ~0.2 s);
// `bash infra/kafka/kafka.sh stop` with KAFKA_STATE_DIR=.kafka-test/shared, or stopTestKafka(), ends it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(repoRoot, 'infra/kafka/kafka.sh');
const testStateRoot = path.join(repoRoot, '.kafka-test');

// The first start may download the broker jars (~46 MB) before the broker boots.
const START_TIMEOUT_MS = 10 * 60_000;
const STOP_TIMEOUT_MS = 90_000;

export interface TestKafka {
  brokers: string[];
  /** Stops the broker cleanly, to simulate an outage. Only for a broker started by kafka.sh. */
  stop(): Promise<void>;
  /** Starts it again on the same address with the same data; resolves when it answers. */
  start(): Promise<void>;
}

export interface EnsureKafkaOptions {
  /**
   * A broker of its own (state dir .kafka-test/<instance>) for a test that stops and restarts it, so the
   * outage does not hit the files sharing the default broker. Such a broker is always started by kafka.sh,
   * even when KAFKA_BROKERS is set, and its test should stop it in afterAll.
   */
  instance?: string;
}

let unavailableReason: string | null = null;

/** Why the last ensureKafka() returned null, in one line (for a skip message). */
export function kafkaUnavailableReason(): string | null {
  return unavailableReason;
}

export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<TestKafka | null> {
  const external = process.env.KAFKA_BROKERS;
  if (external && options.instance === undefined) {
    const notOurs = (): Promise<void> =>
      Promise.reject(
        new Error(
          'KAFKA_BROKERS is set, so the tests use an external broker, which they cannot stop or start. ' +
            'Only a broker started by infra/kafka/kafka.sh supports stop()/start(): ' +
            "use ensureKafka({ instance: '<name>' }) in outage tests, or unset KAFKA_BROKERS.",
        ),
      );
    return { brokers: splitBrokers(external), stop: notOurs, start: notOurs };
  }

  const instance = options.instance ?? 'shared';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(instance)) throw new Error(`invalid Kafka test instance name: ${instance}`);
  const stateDir = path.join(testStateRoot, instance);

  let brokers: string[];
  try {
    brokers = await startBroker(stateDir);
  } catch (err) {
    const message = (err as Error).message;
    if (process.env.CI === 'true') {
      throw new Error(`CI=true and a Kafka broker could not be started with ${script}:\n${message}`);
    }
    unavailableReason = `Kafka unavailable (bash infra/kafka/kafka.sh start failed: ${lastLine(message)})`;
    console.warn(`[kafka] ${unavailableReason}; Kafka tests are skipped`);
    return null;
  }
  unavailableReason = null;

  return {
    brokers,
    stop: async () => {
      await runScript('stop', stateDir, STOP_TIMEOUT_MS);
    },
    start: async () => {
      const again = await startBroker(stateDir);
      // Clients reconnect on their own only if the broker comes back on the same address.
      if (again.join(',') !== brokers.join(',')) {
        throw new Error(`Kafka restarted on ${again.join(',')} instead of ${brokers.join(',')} (${stateDir}/ports)`);
      }
    },
  };
}

/** Stops a broker started by ensureKafka() (default: the shared one), e.g. from a Jest globalTeardown. */
export async function stopTestKafka(instance = 'shared'): Promise<void> {
  await runScript('stop', path.join(testStateRoot, instance), STOP_TIMEOUT_MS);
}

async function startBroker(stateDir: string): Promise<string[]> {
  const { stdout } = await runScript('start', stateDir, START_TIMEOUT_MS);
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('KAFKA_BROKERS='))
    .pop();
  if (!line) throw new Error(`kafka.sh start printed no KAFKA_BROKERS= line; stdout was:\n${stdout}`);
  return splitBrokers(line.slice('KAFKA_BROKERS='.length));
}

function runScript(command: 'start' | 'stop', stateDir: string, timeout: number): Promise<{ stdout: string }> {
  // KAFKA_PORT / KAFKA_STATE_DIR of a developer's own broker must not leak into the test broker.
  const { KAFKA_PORT: _port, KAFKA_STATE_DIR: _dir, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [script, command],
      { cwd: repoRoot, env: { ...env, KAFKA_STATE_DIR: stateDir }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `timed out after ${timeout / 1000}s` : `exit code ${String(error.code)}`;
          reject(new Error(`kafka.sh ${command} failed (${why}):\n${stderr.trim() || error.message}`));
        } else {
          resolve({ stdout });
        }
      },
    );
  });
}

function splitBrokers(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .pop() ?? text
  );
}
