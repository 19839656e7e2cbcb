import { thrown } from '@concurrency-lab/errors/testing';
import { otlpReceiverFixture } from '../src/testing';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

/** Exports one span in OTLP/JSON, as an exporter would; answers the HTTP status. */
async function exportOneSpan(url: string): Promise<number> {
  const span = { traceId: TRACE_ID, spanId: SPAN_ID, name: 'x' };
  const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
  const response = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** The code a connection to `url` fails with (`ECONNREFUSED` once nothing listens there). */
async function connectionFailure(url: string): Promise<unknown> {
  const error = await fetch(url).then(
    async (response) => {
      await response.arrayBuffer();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  return (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
}

describe('otlpReceiverFixture()', () => {
  const seen: string[] = [];
  afterAll(async () => {
    // Every receiver the fixtures started is closed once their tests are over.
    expect(seen).toHaveLength(5);
    for (const url of new Set(seen)) expect(await connectionFailure(url)).toBe('ECONNREFUSED');
  });

  describe('per test (the default)', () => {
    const receiver = otlpReceiverFixture();
    const readOutside = thrown(() => receiver.url);

    it('starts a real receiver before the test, which keeps what is exported to it', async () => {
      seen.push(receiver.url);
      expect(await exportOneSpan(receiver.url)).toBe(200);
      expect(receiver.spans.map((s) => [s.traceId, s.spanId, s.protocol])).toEqual([
        [TRACE_ID, SPAN_ID, 'http/json'],
      ]);
      expect(receiver.counts).toMatchObject({ requests: 1, spans: 1 });
    });

    it('gives the next test a fresh receiver', () => {
      seen.push(receiver.url);
      expect(receiver.spans).toEqual([]);
      expect(receiver.counts).toEqual({ requests: 0, spans: 0, bytes: 0 });
    });

    it('refuses to be read outside the tests and hooks of its describe', () => {
      // Its own error, not the TypeError of reading a receiver that is not there.
      expect(readOutside).toMatchObject({
        message: 'otlpReceiverFixture() is read outside the tests of its describe',
      });
    });
  });

  describe('read after its hooks closed it', () => {
    let perTest: ReturnType<typeof otlpReceiverFixture>;
    let perDescribe: ReturnType<typeof otlpReceiverFixture>;
    const OUTSIDE = 'otlpReceiverFixture() is read outside the tests of its describe';
    describe('per test', () => {
      perTest = otlpReceiverFixture();
      it('is read in its test', () => {
        seen.push(perTest.url);
      });
    });
    describe('per describe', () => {
      perDescribe = otlpReceiverFixture({ per: 'describe' });
      it('is read in its test', () => {
        seen.push(perDescribe.url);
      });
    });
    // An outer describe's hooks run after the inner ones': by then each receiver is closed, and
    // reading it must say so, not hand out the URL of a receiver that is gone.
    afterEach(() => {
      expect(thrown(() => perTest.url)).toMatchObject({ message: OUTSIDE });
    });
    afterAll(() => {
      expect(thrown(() => perDescribe.url)).toMatchObject({ message: OUTSIDE });
      expect(thrown(() => perDescribe.spans)).toMatchObject({ message: OUTSIDE });
    });
  });

  describe('per describe', () => {
    const receiver = otlpReceiverFixture({ per: 'describe' });
    let firstUrl = '';

    it('starts one receiver before the first test', async () => {
      firstUrl = receiver.url;
      seen.push(firstUrl);
      expect(await exportOneSpan(receiver.url)).toBe(200);
    });

    it('keeps it, with what it got, until the last test is over', () => {
      expect(receiver.url).toBe(firstUrl);
      expect(receiver.spans).toHaveLength(1);
    });
  });
});
