/**
 * How a generated body travels. The truncated framings promise more bytes than they send and
 * then half-close the connection (the client gave up): the server must answer or close, not wait.
 */
export type BodyFraming =
  /** `Content-Length` equal to the body. */
  | 'length'
  /** `Transfer-Encoding: chunked`, the body cut into chunks of `chunkSize`. */
  | 'chunked'
  /** `Content-Length` larger than what is sent. */
  | 'truncated-length'
  /** A chunk that declares more bytes than follow. */
  | 'truncated-chunk'
  /** A chunk-size line that is not hexadecimal. */
  | 'bad-chunk-size'
  /** `Content-Length` of 9 MiB (past the contract's 8 MiB), 1 KiB sent. */
  | 'declared-huge';

/** One generated request, kept as data so a failure prints what was sent. */
export interface FuzzRequest {
  method: string;
  /**
   * The request-target, as latin1: every char is one byte, so raw bytes 0x80–0xFF (invalid
   * UTF-8 on their own) reach the server unchanged.
   */
  target: string;
  /** Extra headers, in order, duplicates allowed; values are latin1 too. */
  headers: Array<[name: string, value: string]>;
  body?: { bytes: Uint8Array; framing: BodyFraming; chunkSize: number };
  /**
   * Set by the generator on a case the contract must refuse (see `contractRefusal`): then only
   * one of its answers will do, not any 2xx or 4xx.
   */
  refusal?: ExpectedRefusal;
}

/** One answer the contract gives (docs/contract.md, Errors): its status and problem `code`. */
export interface ContractAnswer {
  status: number;
  code: string;
}

/**
 * A case the contract refuses, so no 2xx will do: the answers that are right for it (the first
 * is for what the case breaks; the others are refusals HTTP may legitimately give first, for a
 * body cut short or not framed as it says) and why, for the failure message.
 */
export interface ExpectedRefusal {
  why: string;
  answers: ContractAnswer[];
}

/** The framings after which the client half-closes the connection. */
export function halfCloses(request: FuzzRequest): boolean {
  const framing = request.body?.framing;
  return (
    framing === 'truncated-length' || framing === 'truncated-chunk' || framing === 'declared-huge'
  );
}

const CRLF = '\r\n';
const DECLARED_HUGE_BYTES = 9 * 1024 * 1024;

/**
 * The bytes of `request` as HTTP/1.1. Every request asks for `Connection: close`: one
 * connection per case, so a malformed case cannot desynchronise the next one.
 */
export function encodeRequest(request: FuzzRequest): Buffer {
  const head = [`${request.method} ${request.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
  const parts: Buffer[] = [];
  const body = request.body;
  if (body) {
    const bytes = Buffer.from(body.bytes);
    switch (body.framing) {
      case 'length':
        head.push(`Content-Length: ${bytes.length}`);
        parts.push(bytes);
        break;
      case 'truncated-length':
        head.push(`Content-Length: ${bytes.length + 1 + body.chunkSize}`);
        parts.push(bytes);
        break;
      case 'declared-huge':
        head.push(`Content-Length: ${DECLARED_HUGE_BYTES}`);
        parts.push(bytes.subarray(0, 1024));
        break;
      case 'chunked':
        head.push('Transfer-Encoding: chunked');
        for (let at = 0; at < bytes.length; at += body.chunkSize) {
          const chunk = bytes.subarray(at, at + body.chunkSize);
          parts.push(Buffer.from(`${chunk.length.toString(16)}${CRLF}`), chunk, Buffer.from(CRLF));
        }
        parts.push(Buffer.from(`0${CRLF}${CRLF}`));
        break;
      case 'truncated-chunk':
        head.push('Transfer-Encoding: chunked');
        parts.push(Buffer.from(`${(bytes.length + body.chunkSize).toString(16)}${CRLF}`), bytes);
        break;
      case 'bad-chunk-size':
        head.push('Transfer-Encoding: chunked');
        parts.push(
          Buffer.from(`zz${body.chunkSize}${CRLF}`),
          bytes,
          Buffer.from(`${CRLF}0${CRLF}${CRLF}`),
        );
        break;
    }
  }
  head.push('Connection: close');
  return Buffer.concat([Buffer.from(`${head.join(CRLF)}${CRLF}${CRLF}`, 'latin1'), ...parts]);
}

/** A one-line description of a case for failure messages (long parts shortened). */
export function describeRequest(request: FuzzRequest): string {
  const short = (text: string) =>
    text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : text;
  const headers = request.headers.map(([n, v]) => `${n}: ${short(v)}`).join(' | ');
  const body = request.body ? ` body ${request.body.framing} ${request.body.bytes.length} B` : '';
  return `${request.method} ${JSON.stringify(short(request.target))}${headers ? ` [${headers}]` : ''}${body}`;
}
