import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { answerWithin, expectAccepted } from '../src/problem-assertions';

describe('expectAccepted', () => {
  // /ok answers 200, /fails 500 after 50 ms, /hangs never.
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.end('{}');
    else if (req.url === '/fails') setTimeout(() => res.writeHead(500).end('no'), 50);
  });
  let base = '';
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await close(server);
  });

  it('passes a 200 within its bound', async () => {
    expect(await answerWithin(`${base}/ok`, 'GET', 1000)).toEqual({ status: 200, body: '{}' });
    await expectAccepted(answerWithin(`${base}/ok`, 'GET', 1000));
  });

  it('fails a 500 that comes after a while (what a 400 ms wait let through)', async () => {
    await expect(expectAccepted(answerWithin(`${base}/fails`, 'GET', 1000))).rejects.toThrow(
      /"status": 500/,
    );
  });

  it('fails a hang once its bound passes, saying so', async () => {
    const answer = await answerWithin(`${base}/hangs`, 'GET', 200);
    expect(answer).toEqual({ noAnswerWithinMs: 200 });
    await expect(expectAccepted(answer)).rejects.toThrow(/noAnswerWithinMs/);
  });
});
