/**
 * The scan for error codes written by hand outside the catalogs. It parses sources with the
 * TypeScript compiler, a dev tool of the root: it lives with the tests that run it, not in
 * `src/`, whose imports the tools' manifest (and the lockfile) would then have to carry.
 */
import * as ts from 'typescript';
import type { ProjectCatalog } from '../../src/error-catalog';

/**
 * Node's own codes that the workspace's sources compare against (`error.code === '…'`,
 * `case '…':`): Node sets them, on errors of its `http` server, `zlib`, module loader and IPC
 * channel, so no catalog of ours lists them. Explicit, not a pattern like `ERR_HTTP_*`: a code of
 * ours that happened to look like Node's must still be catalogued. Add one only for a code Node
 * documents (https://nodejs.org/api/errors.html#nodejs-error-codes).
 */
export const NODE_CODES: ReadonlySet<string> = new Set([
  // zlib's `maxOutputLength` passed: a compressed body or a PNG's data inflates too far.
  'ERR_BUFFER_TOO_LARGE',
  // `server.requestTimeout` passed: what `http` hands `clientError`.
  'ERR_HTTP_REQUEST_TIMEOUT',
  // A send on a child process's IPC channel that is closed: a cluster worker's dead primary.
  'ERR_IPC_CHANNEL_CLOSED',
  // `require()` of an ES module with top-level await (a worker's task module).
  'ERR_REQUIRE_ASYNC_MODULE',
]);

/** Codes test fixtures throw on purpose (`ERR_FIXTURE_UNCAUGHT`): no product's, no catalog. */
export const FIXTURE_CODE_PREFIX = 'ERR_FIXTURE_';

/** A whole code (`ERR_LOCK_TIMEOUT`), not a namespace prefix (`ERR_LOCK_`) a check starts with. */
const CODE = /^ERR_[A-Z0-9_]*[A-Z0-9]$/;

/**
 * A code written by hand as a string anywhere in code — `readonly code = 'ERR_…'` on a class, a
 * `?? 'ERR_…'` fallback, a ternary's branch, an object's `code: 'ERR_…'`, a comparison, an
 * argument, a literal type — bypasses `coded()` and so the catalog: neither listed in
 * docs/errors.md nor held to a namespace, and a comparison with a code nobody throws never holds.
 * Every string literal is checked (the TypeScript parser finds them, so comments and regular
 * expressions are not mistaken for code), not a list of forms: the ternary
 * `typeof code === 'string' ? code : 'ERR_UNKNOWN'` slipped through such a list. Each such code
 * in `sources` (`[file, text]`) that no catalog lists, Node does not set ({@link NODE_CODES}) and
 * no fixture throws ({@link FIXTURE_CODE_PREFIX}), as `file:line: code`.
 */
export function uncataloguedCodes(
  catalogs: readonly ProjectCatalog[],
  sources: Iterable<readonly [file: string, text: string]>,
): string[] {
  const known = new Set(catalogs.flatMap((c) => c.entries.map((e) => e.code)));
  const allowed = (code: string) =>
    known.has(code) || NODE_CODES.has(code) || code.startsWith(FIXTURE_CODE_PREFIX);
  const found: string[] = [];
  for (const [file, text] of sources) {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        if (CODE.test(node.text) && !allowed(node.text)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          found.push(`${file}:${line + 1}: ${node.text}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
