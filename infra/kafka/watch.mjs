// Prints a topic from the beginning (key, type, eventId, then the JSON envelope) until Ctrl-C.
// Usage: node infra/kafka/watch.mjs <brokers> [topic]   (kafka.sh watch passes the local broker)
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [brokers, topic = 'governance.events'] = process.argv.slice(2);
if (!brokers) {
  console.error('usage: node infra/kafka/watch.mjs <host:port[,host:port]> [topic]');
  process.exit(2);
}

const consumer = new Kafka({ clientId: 'governance-watch', brokers: brokers.split(','), logLevel: logLevel.ERROR }).consumer({
  groupId: `governance-watch-${process.pid}-${Date.now()}`,
});
const stop = async () => {
  await consumer.disconnect().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
console.error(`watching ${topic} on ${brokers} from the beginning; Ctrl-C stops`);
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    const header = (name) => message.headers?.[name]?.toString() ?? '-';
    console.log(`[${topic}/${partition}@${message.offset}] ${message.key?.toString() ?? '-'} ${header('type')} ${header('eventId')}`);
    console.log(`  ${message.value?.toString() ?? ''}`);
  },
});
