/** What a page request may ask for through its query string. */
export interface PageQuery {
  /** Replaces the configured latency and jitter for this request only, when set. */
  latencyMs: number | undefined;
  /** Forces a failure for this request: `failureStatus` (503 unless configured). */
  fail: boolean;
}

export const MAX_LATENCY_OVERRIDE_MS = 10_000;

const KNOWN = new Set(['latency', 'fail']);

/**
 * Parses `?latency=ms` (integer 0..10000) and `?fail=0|1`. Unknown or repeated parameters
 * are rejected rather than ignored: a typo such as `?latncy=500` silently doing nothing
 * would skew a measurement without anyone noticing.
 *
 * @returns the query, or an error message for a 400.
 */
export function parsePageQuery(search: string): PageQuery | { error: string } {
  const params = new URLSearchParams(search);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!KNOWN.has(key)) return { error: `Unknown query parameter \`${key}\`` };
    if (seen.has(key)) return { error: `Query parameter \`${key}\` given more than once` };
    seen.add(key);
  }

  let latencyMs: number | undefined;
  const latency = params.get('latency');
  if (latency !== null) {
    latencyMs = /^\d{1,5}$/.test(latency) ? Number(latency) : Number.NaN;
    if (!(latencyMs <= MAX_LATENCY_OVERRIDE_MS)) {
      return {
        error: `Expected \`latency\` to be an integer from 0 to ${MAX_LATENCY_OVERRIDE_MS}, got \`${latency}\``,
      };
    }
  }

  const fail = params.get('fail');
  if (fail !== null && fail !== '0' && fail !== '1') {
    return { error: `Expected \`fail\` to be 0 or 1, got \`${fail}\`` };
  }
  return { latencyMs, fail: fail === '1' };
}
