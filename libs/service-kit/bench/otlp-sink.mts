/**
 * The kit benchmark's span sink, run as its own process so that decoding spans is not charged
 * to the service under test: the telemetry lib's OTLP receiver (JSON and protobuf), counting
 * instead of keeping. Logs its `listening` line like a service; on SIGTERM it prints what it
 * received as one JSON line and exits.
 */
import { startOtlpReceiver } from '@concurrency-lab/telemetry';

const receiver = await startOtlpReceiver({ keepSpans: false });
process.stdout.write(
  `${JSON.stringify({ msg: 'listening', port: Number(new URL(receiver.url).port) })}\n`,
);
process.once('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'received', ...receiver.counts })}\n`);
  void receiver.close().then(() => process.exit(0));
});
