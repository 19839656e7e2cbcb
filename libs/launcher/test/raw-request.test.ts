import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { requestOnNewConnection } from '../src';
import { close, listen } from '../src/testing';

describe('requestOnNewConnection', () => {
  it('gives up after `timeoutMs` on a server that never answers', async () => {
    const server = createServer(() => undefined); // takes the request, never answers
    const url = await listen(server);
    try {
      const outcome = await Promise.race([
        requestOnNewConnection(url, 'GET', 200).then(
          () => 'answered',
          (error: Error) => error.name,
        ),
        new Promise((resolve) => setTimeout(resolve, 5000, 'still waiting after 5 s').unref()),
      ]);
      expect(outcome).toBe('AbortError');
    } finally {
      await close(server);
    }
  });
});
