/**
 * The bytes of upload bodies a process reads or holds at once are bounded
 * (`LIMITS.maxBodyBytesInFlight`), not just their number (`MAX_QUEUE`): uploads that trickle in
 * each hold their bytes for up to `HTTP_REQUEST_TIMEOUT_MS`.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { expectProblem } from '@concurrency-lab/contract-testing';
import { until } from '@concurrency-lab/launcher/testing';
import { encodePng, generateTestImage } from '@concurrency-lab/workloads';
import { LIMITS } from '../src/index';
import { serviceFixture } from './support/harness';

const DECLARED = LIMITS.maxBodyBytes - 1;
/** What a compressed upload declaring 1 KiB reserves: that, and a whole decoded body more. */
const GZIP_RESERVED = 1024 + LIMITS.maxBodyBytes;

/**
 * An upload that declares DECLARED bytes and sends 1 KiB of them, then nothing: held open. With
 * an `encoding`, it declares 1 KiB in that `Content-Encoding` and sends 100 bytes of it.
 */
async function trickle(port: number, encoding?: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'POST /image/filter?filter=blur HTTP/1.1\r\nHost: test\r\nContent-Type: image/png\r\n' +
      (encoding === undefined
        ? `Content-Length: ${DECLARED}\r\n\r\n`
        : `Content-Encoding: ${encoding}\r\nContent-Length: 1024\r\n\r\n`),
  );
  socket.write(Buffer.alloc(encoding === undefined ? 1024 : 100));
  socket.on('error', () => undefined); // closed by the test, or by the service after its answer
  return socket;
}

describe('the bytes of request bodies in flight', () => {
  const services = serviceFixture();
  const png = encodePng(generateTestImage(8));

  // A compressed body decodes to up to the limit whatever its size on the wire: 1 KiB of gzip
  // may become 8 MiB. Reserving only the declared length, the budget would count 16 such
  // uploads as 16 KiB while their decoding may take 128 MiB.
  it.each([
    { upload: 'an upload', encoding: undefined, body: png, reserves: DECLARED, fit: 16 },
    {
      upload: 'a compressed upload, counted as its length and a whole decoded body,',
      encoding: 'gzip',
      body: gzipSync(png),
      reserves: GZIP_RESERVED,
      fit: 15,
    },
  ])(
    'refuses $upload past the budget with 503 + Retry-After, and takes it once bytes are freed',
    async ({ encoding, body, reserves, fit }) => {
      const { base, port, service } = await services.start({ config: { maxQueue: 100 } });
      const { state } = service.ctx;
      // The uploads of this size that fit the budget together.
      expect(Math.floor(LIMITS.maxBodyBytesInFlight / reserves)).toBe(fit);
      const held: Socket[] = [];
      for (let i = 0; i < fit; i++) held.push(await trickle(port, encoding));
      await until(() => state.bodyBytesInFlight === fit * reserves, { what: 'every upload held' });

      const upload = () =>
        fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: {
            'content-type': 'image/png',
            ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
          },
          body,
        });
      const refused = await upload();
      expect(refused.headers.get('retry-after')).toBe('1');
      await expectProblem(refused, 503, 'ERR_OVERLOADED');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^lab_shed_total\{[^}]*reason="body_bytes"[^}]*\} 1$/m);
      expect(state.bodyBytesInFlight).toBe(fit * reserves); // the refusal reserved nothing

      held.pop()?.destroy();
      await until(() => state.bodyBytesInFlight === (fit - 1) * reserves, { what: 'one freed' });
      // Control: with room again, the same upload is decoded if compressed, and served.
      const served = await upload();
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      await served.arrayBuffer();

      for (const socket of held) socket.destroy();
      await until(() => state.bodyBytesInFlight === 0, { what: 'every reservation released' });
    },
  );

  it('gives back what an upload reserved when it is refused while read: a chunked body past 8 MiB', async () => {
    const { port, service } = await services.start();
    const { state } = service.ctx;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const answer: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => answer.push(chunk));
    socket.on('error', () => undefined); // the service closes it after its 413
    const over = LIMITS.maxBodyBytes + 1024;
    socket.write(
      'POST /image/filter?filter=blur HTTP/1.1\r\nHost: test\r\nContent-Type: image/png\r\n' +
        `Transfer-Encoding: chunked\r\n\r\n${over.toString(16)}\r\n`,
    );
    // No length declared: the whole limit is reserved while it is read.
    await until(() => state.bodyBytesInFlight === LIMITS.maxBodyBytes, { what: 'the reservation' });
    socket.write(Buffer.alloc(over));
    await until(() => Buffer.concat(answer).includes('ERR_BODY_TOO_LARGE'), { what: 'the 413' });
    expect(Buffer.concat(answer).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
    await until(() => state.bodyBytesInFlight === 0, { what: 'the reservation given back' });
    socket.destroy();
  });
});
