import { METHODS } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { PARAM_CASES, type ParamCase } from '../param-cases';
import type { ExpectedRefusal, FuzzRequest } from './fuzz-request';

/** Every endpoint of the contract with its method (docs/contract.md, Routes). */
export const CONTRACT_ENDPOINTS: ReadonlyArray<[method: string, path: string]> = [
  ...new Map(
    PARAM_CASES.map((c) => [`${c.method} ${c.path}`, [c.method, c.path] as [string, string]]),
  ).values(),
  ['POST', '/image/filter'],
  ['GET', '/counter'],
  ['DELETE', '/counter'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['GET', '/info'],
];

/** The methods of each path; a GET route answers HEAD too (HTTP, and express, say so). */
const METHODS_OF = new Map<string, Set<string>>();
for (const [method, path] of CONTRACT_ENDPOINTS) {
  const methods = METHODS_OF.get(path) ?? new Set<string>();
  methods.add(method);
  if (method === 'GET') methods.add('HEAD');
  METHODS_OF.set(path, methods);
}

/**
 * Routes whose input the contract lists as "—": the services read no query there, so an
 * unknown key is not refused (and a probe must answer however it is asked).
 */
const NO_INPUT_READ = new Set(['/healthz', '/readyz', '/metrics', '/info']);

/** Present only when the operator set `LAB_WORKLOAD` (else 404): not for the fuzz to judge. */
const OPTIONAL_ROUTE = '/work/custom';

/**
 * Headers that change how the request is framed or whether it is HTTP/1.1 at all. The generator
 * adds them itself (the body's framing, `Connection: close`); a random header of one of these
 * names makes the outcome Node's business, not the contract's.
 */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'upgrade']);

/** A `.` or `..` segment (or `%2e`): normalised away by RFC 3986, so no route is certain. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** Node's own test of `Expect` (lib/_http_server.js): any member `100-continue` goes on. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** The services' integers: strict decimal (service-kit's params.ts says why). */
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Bodies cut short (the client half-closes) or not framed as they say. */
const BODY_NOT_AS_SAID = new Set([
  'truncated-length',
  'truncated-chunk',
  'declared-huge',
  'bad-chunk-size',
]);

/**
 * What the contract answers `request` when it must refuse it, or undefined when the case may
 * be accepted or its answer is not the contract's to fix. Only what is certain is tagged:
 *
 * - a request-target of no form HTTP has (not `/…`, `*` or a scheme's), or with a byte RFC 9112
 *   does not allow there (space, control, non-ASCII), or a header value with a control
 *   character: 400 `ERR_INVALID_REQUEST` (not valid HTTP/1.1; Node's parser refuses it);
 * - `Expect` with no `100-continue` member: 417 `ERR_EXPECTATION_FAILED`;
 * - a path that is no route: 404 `ERR_NOT_FOUND` (routes are case-sensitive; one trailing slash
 *   is the route itself; `*` and `//cpu/fib` are no route);
 * - a route with a method it lacks (HEAD is a GET route's): 405 `ERR_METHOD_NOT_ALLOWED`;
 * - a work or counter route whose query is missing, repeating, malformed, out of range or has
 *   an unknown key, as the services read it (node:querystring, every pair): 400
 *   `ERR_INVALID_PARAM`.
 *
 * Not tagged: a method Node's parser does not know, and CONNECT (Node answers them before any
 * route); a request-target not in origin form (`http://host/...`), with a dot segment, or with
 * a `#` in its query; a query on a probe (ignored); a valid query (its work or an
 * upload's own checks decide); a request carrying a framing header of its own.
 */
export function contractRefusal(request: FuzzRequest): ExpectedRefusal | undefined {
  const { method, headers } = request;
  if (method === 'CONNECT' || !METHODS.includes(method)) return undefined;
  if (headers.some(([name]) => FRAMING_HEADERS.has(name.toLowerCase()))) return undefined;
  const refusal = invalidHttp(request) ?? unmetExpectation(request) ?? routeRefusal(request);
  const framing = request.body?.framing;
  if (!refusal || framing === undefined) return refusal;
  // A body that ends early or is not framed as it says may be refused before the route is: the
  // parser reads it along, and which of the two answers comes first is a race.
  if (BODY_NOT_AS_SAID.has(framing)) {
    for (const code of ['ERR_INVALID_BODY', 'ERR_INVALID_REQUEST']) {
      if (!refusal.answers.some((a) => a.code === code))
        refusal.answers.push({ status: 400, code });
    }
  }
  return refusal;
}

function refused(status: number, code: string, why: string): ExpectedRefusal {
  return { why, answers: [{ status, code }] };
}

function invalidHttp({ target, headers }: FuzzRequest): ExpectedRefusal | undefined {
  const sent = requestTarget(target);
  // Origin form starts with `/`, asterisk form is `*`, absolute form with a scheme's letter.
  if (!/^[/*A-Za-z]/.test(sent))
    return refused(400, 'ERR_INVALID_REQUEST', 'a request-target of no form HTTP has');
  if (/[^\x21-\x7e]/.test(sent))
    return refused(400, 'ERR_INVALID_REQUEST', 'a space, control or non-ASCII byte in the target');
  // eslint-disable-next-line no-control-regex -- exactly what HTTP forbids in a field value
  if (headers.some(([, value]) => /[\x00-\x08\x0a-\x1f\x7f]/.test(value)))
    return refused(400, 'ERR_INVALID_REQUEST', 'a control character in a header value');
  return undefined;
}

function unmetExpectation({ headers }: FuzzRequest): ExpectedRefusal | undefined {
  const values = headers.filter(([name]) => name.toLowerCase() === 'expect');
  if (values.length === 0) return undefined;
  // Node joins a repeated header as `a, b` before it tests it.
  const joined = values.map(([, value]) => value.trim()).join(', ');
  if (CONTINUE.test(joined)) return undefined;
  return refused(417, 'ERR_EXPECTATION_FAILED', `Expect: ${joined}`);
}

/**
 * The request-target as the server reads it: Node's parser takes spaces after it as part of the
 * one before `HTTP/1.1`, so a target that ends in spaces is read without them.
 */
function requestTarget(target: string): string {
  return target.replace(/ +$/, '');
}

/**
 * The route `request` asks for, when certain: an origin-form target without dot segments, its
 * one trailing slash dropped (`*` stays `*`); undefined when the route is not certain.
 */
function routeOf(target: string): { route: string; queryAt: number } | undefined {
  const queryAt = target.search(/[?#]/);
  const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
  if (!pathname.startsWith('/') && pathname !== '*') return undefined;
  if (DOT_SEGMENT.test(pathname)) return undefined;
  return { route: pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname, queryAt };
}

function routeRefusal({ method, target: sent }: FuzzRequest): ExpectedRefusal | undefined {
  const target = requestTarget(sent);
  const routed = routeOf(target);
  if (!routed) return undefined;
  const { route, queryAt } = routed;
  if (route === OPTIONAL_ROUTE) return undefined;
  const methods = METHODS_OF.get(route);
  if (!methods) {
    const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
    return refused(404, 'ERR_NOT_FOUND', `no route ${pathname}`);
  }
  if (!methods.has(method))
    return refused(405, 'ERR_METHOD_NOT_ALLOWED', `${route} has no ${method}`);
  if (NO_INPUT_READ.has(route) || target.includes('#')) return undefined;
  const query = queryAt < 0 ? '' : target.slice(queryAt + 1);
  const problem = queryProblem(query, paramsOf(method, route));
  return problem === undefined
    ? undefined
    : refused(400, 'ERR_INVALID_PARAM', `${method} ${route}: ${problem}`);
}

/**
 * Routes no bound of the contract sheds: `/healthz` ("never shed") and `/info`, which is no
 * work and none of the 503 row's bounds (queue, event loop, upload bytes, procpool's counter
 * manager, draining work, a primary gathering `/metrics`) names.
 */
const NEVER_SHED = new Set(['/healthz', '/info']);

/**
 * Why a 503 (shed, with `Retry-After`) breaks the contract for `request`, or undefined where
 * one may be right. Never for a case the contract refuses: a request whose parameters are
 * refused is refused "before admission, at any load", and one that is not HTTP/1.1, asks what
 * cannot be met (417), or names no route or method (404, 405) is no work for a bound to shed.
 * Never on `/healthz` and `/info`; on `/metrics` only where a primary gathers it
 * (`metricsMayShed`: cluster, hybrid). Elsewhere (work, the counter, `/readyz` while starting or
 * draining, a route not certain) a bound may be reached.
 */
export function shedViolation(request: FuzzRequest, metricsMayShed: boolean): string | undefined {
  const { refusal } = request;
  if (refusal) {
    return refusal.answers.some((a) => a.code === 'ERR_INVALID_PARAM')
      ? `a refused parameter (${refusal.why}) is refused before admission, at any load`
      : `the contract refuses this case (${refusal.why}) before any bound applies`;
  }
  if (request.method === 'CONNECT' || !METHODS.includes(request.method)) return undefined;
  const route = routeOf(requestTarget(request.target))?.route;
  if (route === undefined) return undefined;
  if (NEVER_SHED.has(route)) return `${route} is never shed`;
  if (route === '/metrics' && !metricsMayShed)
    return '/metrics is never shed where no primary gathers it';
  return undefined;
}

/** The parameters a route takes (the upload takes `filter` only; `size` is the GET's). */
function paramsOf(method: string, route: string): ParamCase[] {
  const read = method === 'HEAD' ? 'GET' : method;
  return PARAM_CASES.filter(
    (c) =>
      c.path === route &&
      (c.method === read || (read === 'POST' && route === '/image/filter' && c.param === 'filter')),
  );
}

/**
 * What makes node:querystring read every pair: by default it keeps the first 1,000 and drops
 * the rest, where the services read them all (service-kit's create-app.ts says why) and refuse
 * an unknown or repeated key past them.
 */
const EVERY_PAIR = { maxKeys: 0 } as const;

/** Why the contract refuses this query for these parameters, or undefined if it is valid. */
function queryProblem(query: string, params: ParamCase[]): string | undefined {
  const raw = parseQueryString(query, '&', '=', EVERY_PAIR);
  const unknown = Object.keys(raw).find((key) => !params.some((p) => p.param === key));
  if (unknown !== undefined) return `unknown parameter ${JSON.stringify(unknown)}`;
  for (const p of params) {
    const value = raw[p.param];
    if (value === undefined) return `\`${p.param}\` missing`;
    if (Array.isArray(value)) return `\`${p.param}\` repeated`;
    const valid =
      p.kind === 'int'
        ? DECIMAL.test(value) && Number(value) >= p.min && Number(value) <= p.max
        : p.values.includes(value);
    if (!valid) return `\`${p.param}\` is ${JSON.stringify(value)}`;
  }
  return undefined;
}
