// Waits until a Kafka broker answers a real metadata request, as kafkajs (the client the service uses)
// sees it: a TCP check first (cheap), then an admin client that lists topics.
//   node infra/kafka/wait-ready.mjs <host:port> <timeoutSeconds> [brokerPid]
// Exits 0 when ready, 1 on timeout or when brokerPid (if given) has exited.
import net from 'node:net';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [broker, timeoutArg = '60', pidArg = ''] = process.argv.slice(2);
if (!broker) {
  console.error('usage: node wait-ready.mjs <host:port> <timeoutSeconds> [brokerPid]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;
const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive() {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function tcpOpen() {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function metadataAnswers() {
  const admin = new Kafka({
    clientId: 'kafka-sh-wait-ready',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

let lastWasTcp = false;
while (Date.now() < deadline) {
  if (!alive()) {
    console.error(`[kafka] broker process ${pid} exited before it was ready`);
    process.exit(1);
  }
  if (await tcpOpen()) {
    lastWasTcp = true;
    if (await metadataAnswers()) process.exit(0);
  }
  await sleep(250);
}
console.error(
  `[kafka] ${broker} ${lastWasTcp ? 'accepts connections but did not answer a metadata request' : 'did not accept connections'} within ${timeoutArg}s`,
);
process.exit(1);
