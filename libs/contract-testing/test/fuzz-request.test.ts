import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  contractRefusal,
  encodeRequest,
  fuzzRequest,
  halfCloses,
  type FuzzRequest,
} from '../src/fuzz/index';

const text = (request: FuzzRequest) => encodeRequest(request).toString('latin1');
const bytes = new Uint8Array(Buffer.from('abcdefgh'));

describe('encodeRequest', () => {
  it('writes the request line, Host, the headers in order and Connection: close', () => {
    expect(
      text({
        method: 'GET',
        target: '/cpu/fib?n=1',
        headers: [
          ['X-A', '1'],
          ['X-A', '2'],
        ],
      }),
    ).toBe(
      'GET /cpu/fib?n=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\nX-A: 2\r\nConnection: close\r\n\r\n',
    );
  });

  it('keeps raw bytes 0x80–0xFF in the target as single bytes (invalid UTF-8 on the wire)', () => {
    const encoded = encodeRequest({ method: 'GET', target: '/x?n=\xff\xc3\x28', headers: [] });
    expect([...encoded.subarray(9, 12)]).toEqual([0xff, 0xc3, 0x28]);
  });

  it.each([
    ['length', 'Content-Length: 8\r\nConnection: close\r\n\r\nabcdefgh'],
    [
      'chunked',
      'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n2\r\ngh\r\n0\r\n\r\n',
    ],
    ['truncated-length', 'Content-Length: 12\r\nConnection: close\r\n\r\nabcdefgh'],
    ['truncated-chunk', 'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nb\r\nabcdefgh'],
    [
      'bad-chunk-size',
      'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz3\r\nabcdefgh\r\n0\r\n\r\n',
    ],
    ['declared-huge', 'Content-Length: 9437184\r\nConnection: close\r\n\r\nabcdefgh'],
  ] as const)('frames a body as %s', (framing, tail) => {
    const request: FuzzRequest = {
      method: 'POST',
      target: '/',
      headers: [],
      body: { bytes, framing, chunkSize: 3 },
    };
    expect(text(request)).toBe(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n${tail}`);
    expect(halfCloses(request)).toBe(
      framing.startsWith('truncated') || framing === 'declared-huge',
    );
  });
});

describe('fuzzRequest', () => {
  it('generates requests whose head never carries a bare CR or LF inside a line', () => {
    fc.assert(
      fc.property(fuzzRequest(), (request) => {
        const head = text({ ...request, body: undefined }).split('\r\n\r\n')[0] ?? '';
        expect(head.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 2000, seed: 1 },
    );
  });

  it('covers every route, the planted oddities and every body framing', () => {
    const sample = fc.sample(fuzzRequest(), { numRuns: 3000, seed: 2 });
    const targets = sample.map((r) => r.target).join('\n');
    for (const route of [
      '/cpu/fib',
      '/image/filter',
      '/io/scrape',
      '/counter/increment',
      '/metrics',
    ]) {
      expect(targets).toContain(route);
    }
    for (const oddity of ['__proto__', 'constructor', '\xff', '%C3%28', 'n[]']) {
      expect(targets).toContain(oddity);
    }
    expect(sample.some((r) => r.target.length > 16_384)).toBe(true);
    const framings = new Set(sample.flatMap((r) => (r.body ? [r.body.framing] : [])));
    expect(framings.size).toBe(6);
  });

  it('tags the cases the contract refuses, of every kind, and leaves the rest untagged', () => {
    const sample = fc.sample(fuzzRequest(), { numRuns: 3000, seed: 2 });
    const tagged = sample.filter((r) => r.refusal);
    // Enough of each side: the verdict holds many cases to a refusal, and many reach the work.
    expect(tagged.length).toBeGreaterThan(sample.length / 4);
    expect(sample.length - tagged.length).toBeGreaterThan(sample.length / 4);
    expect(new Set(tagged.map((r) => r.refusal?.answers[0]?.code))).toEqual(
      new Set([
        'ERR_INVALID_PARAM',
        'ERR_NOT_FOUND',
        'ERR_METHOD_NOT_ALLOWED',
        'ERR_INVALID_REQUEST',
        'ERR_EXPECTATION_FAILED',
      ]),
    );
    for (const r of sample) expect(r.refusal).toEqual(contractRefusal(r));
  });
});
