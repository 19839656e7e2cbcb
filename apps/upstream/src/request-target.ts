/** A request target split into what the routes read: the path and the query (without `?`). */
export interface RequestTarget {
  path: string;
  search: string;
}

/**
 * `http://host[:port]` or `https://…` at the start of an absolute-form target; the scheme is
 * case-insensitive (RFC 3986 §3.1), the authority runs to the first `/`, `?` or `#`.
 */
const ABSOLUTE_PREFIX = /^https?:\/\/[^/?#]*/i;

/**
 * Splits a request target into path and query. An absolute-form target
 * (`GET http://127.0.0.1:8080/page/1 HTTP/1.1`) is routed by its path and query, because
 * RFC 9112 §3.2.2 says a server MUST accept that form (clients send it through proxies); an
 * empty path there means `/` (RFC 9110 §4.2.3). The host in it is ignored, as is the Host
 * header: this site answers to any name.
 *
 * Split by hand rather than with `new URL(target, base)`: that would read the origin-form
 * `//page/1` as a host and route it to `/`, where it is a path that names no page (404).
 */
export function splitRequestTarget(target: string): RequestTarget {
  const prefix = ABSOLUTE_PREFIX.exec(target);
  const rest = prefix === null ? target : target.slice(prefix[0].length);
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  const search = q === -1 ? '' : rest.slice(q + 1);
  return { path: prefix !== null && path === '' ? '/' : path, search };
}
