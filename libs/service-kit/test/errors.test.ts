import { describe, expect, it } from '@jest/globals';
import {
  isProblemError,
  PROBLEM_TYPES,
  problemBody,
  ProblemError,
  type ProblemCode,
} from '../src/index';

const CODES = Object.keys(PROBLEM_TYPES) as ProblemCode[];

describe('the problem registry', () => {
  it('is not empty', () => {
    expect(CODES.length).toBeGreaterThan(0);
  });

  it.each(CODES)('%s is a stable ERR_ code with an error status and a title', (code) => {
    const entry = PROBLEM_TYPES[code];
    expect(code).toMatch(/^ERR_[A-Z_]+$/);
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThanOrEqual(599);
    expect(entry.title.length).toBeGreaterThan(0);
  });

  it.each([
    ['ERR_INVALID_PARAM', 400],
    ['ERR_NOT_FOUND', 404],
    ['ERR_METHOD_NOT_ALLOWED', 405],
    ['ERR_BODY_TOO_LARGE', 413],
    ['ERR_UNSUPPORTED_MEDIA_TYPE', 415],
    ['ERR_UPSTREAM', 502],
    ['ERR_OVERLOADED', 503],
    ['ERR_SHUTTING_DOWN', 503],
    ['ERR_DEADLINE_EXCEEDED', 504],
  ] as const)('maps the contract code %s to %d', (code, status) => {
    expect(PROBLEM_TYPES[code].status).toBe(status);
  });

  it('gives every code its own `type` URI', () => {
    const types = CODES.map((code) => problemBody(code, 'x').type);
    expect(new Set(types).size).toBe(CODES.length);
  });

  it('keeps `type` stable for a given code', () => {
    for (const code of CODES) expect(problemBody(code, 'a').type).toBe(problemBody(code, 'b').type);
  });
});

describe('problemBody', () => {
  it.each(CODES)('renders %s as exactly { type, title, status, detail, code }', (code) => {
    const body = problemBody(code, 'some detail');
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(body).toEqual({
      type: expect.stringMatching(/^https:\/\/[^\s]+$/),
      title: PROBLEM_TYPES[code].title,
      status: PROBLEM_TYPES[code].status,
      detail: 'some detail',
      code,
    });
    expect(() => new URL(body.type)).not.toThrow();
  });

  it('survives a JSON round trip unchanged', () => {
    const body = problemBody('ERR_OVERLOADED', 'queue full');
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});

describe('ProblemError', () => {
  it('carries its code, the registry status, and its detail', () => {
    const error = new ProblemError('ERR_NOT_FOUND', 'no such route');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProblemError');
    expect(error.code).toBe('ERR_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.detail).toBe('no such route');
    expect(error.message).toBe('no such route');
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.shedReason).toBeUndefined();
    expect(error.headers).toEqual({});
  });

  it('carries the shed reason a 503 counts under', () => {
    expect(
      new ProblemError('ERR_OVERLOADED', 'full', { shedReason: 'queue_full' }).shedReason,
    ).toBe('queue_full');
  });

  it.each(CODES)('takes its status for %s from the registry', (code) => {
    expect(new ProblemError(code, 'd').status).toBe(PROBLEM_TYPES[code].status);
  });

  it('carries retryAfterSeconds and extra headers', () => {
    const error = new ProblemError('ERR_OVERLOADED', 'full', {
      retryAfterSeconds: 3,
      headers: { 'X-Reason': 'queue' },
    });
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.headers).toEqual({ 'X-Reason': 'queue' });
    const allow = new ProblemError('ERR_METHOD_NOT_ALLOWED', 'no', {
      headers: { Allow: 'GET, HEAD' },
    });
    expect(allow.headers).toEqual({ Allow: 'GET, HEAD' });
  });

  it('keeps a cause when given one, and has none otherwise', () => {
    const cause = new Error('root');
    expect(new ProblemError('ERR_UPSTREAM', 'failed', { cause }).cause).toBe(cause);
    expect('cause' in new ProblemError('ERR_UPSTREAM', 'failed')).toBe(false);
  });

  it('renders its body through problemBody', () => {
    const error = new ProblemError('ERR_SHUTTING_DOWN', 'draining', { retryAfterSeconds: 1 });
    expect(error.toBody()).toEqual(problemBody('ERR_SHUTTING_DOWN', 'draining'));
  });

  it('puts no stack and no extra fields into its body', () => {
    const body = new ProblemError('ERR_INTERNAL', 'oops', {
      headers: { A: 'b' },
      retryAfterSeconds: 2,
    }).toBody();
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe('isProblemError', () => {
  it('recognises a ProblemError', () => {
    expect(isProblemError(new ProblemError('ERR_INTERNAL', 'x'))).toBe(true);
  });

  it('does not recognise look-alikes', () => {
    expect(
      isProblemError(Object.assign(new Error('x'), { code: 'ERR_INTERNAL', status: 500 })),
    ).toBe(false);
    expect(isProblemError({ code: 'ERR_INTERNAL', status: 500, detail: 'x' })).toBe(false);
    expect(isProblemError(undefined)).toBe(false);
    expect(isProblemError('ERR_INTERNAL')).toBe(false);
  });
});
