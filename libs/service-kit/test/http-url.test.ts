import { describe, expect, it } from '@jest/globals';
import { httpUrl } from '../src/service';

describe('httpUrl, the URL a service announces in its listening line', () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:3001'],
    ['0.0.0.0', 'http://0.0.0.0:3001'],
    ['localhost', 'http://localhost:3001'],
    // Unbracketed, `http://:::3001` and `http://::1:3001` are no URL at all.
    ['::', 'http://[::]:3001'],
    ['::1', 'http://[::1]:3001'],
    ['::ffff:127.0.0.1', 'http://[::ffff:127.0.0.1]:3001'],
  ])('%s → %s, a URL with its port', (host, url) => {
    expect(httpUrl(host, 3001)).toBe(url);
    expect(new URL(httpUrl(host, 3001)).port).toBe('3001');
  });
});
