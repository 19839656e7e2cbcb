import { startOtlpReceiver } from '../src/otlp-receiver';

describe('the OTLP/JSON receiver', () => {
  it('decodes spans with their resource and attributes, and refuses what is not OTLP/JSON', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const payload = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: 'a'.repeat(32),
                    spanId: 'b'.repeat(16),
                    name: 'GET /x',
                    kind: 2,
                    attributes: [
                      { key: 'http.route', value: { stringValue: '/x' } },
                      { key: 'thread.id', value: { intValue: '3' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      };
      const ok = await fetch(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      expect(ok.status).toBe(200);
      expect(receiver.spans).toEqual([
        {
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          parentSpanId: undefined,
          name: 'GET /x',
          kind: 2,
          attributes: { 'http.route': '/x', 'thread.id': 3 },
          resource: { 'service.name': 'svc' },
        },
      ]);
      const wrong = await fetch(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: 'x',
      });
      expect(wrong.status).toBe(415);
      const broken = await fetch(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(broken.status).toBe(400);
    } finally {
      await receiver.close();
    }
  });
});
