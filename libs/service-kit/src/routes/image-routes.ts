import { assertImageWithin, FILTER_NAMES } from '@concurrency-lab/workloads';
import type { RequestHandler } from 'express';
import { ProblemError } from '../errors';
import { enumParam, intParam, parseQuery } from '../params';
import { bodyTooLarge, declaredLength, hasBody, readBody, reserveBodyBytes } from '../request-body';
import { runOptions, underDeadline } from '../request-deadline';
import { LIMITS } from '../service-context';
import { elapsedMs, sendWork, setServerTiming } from '../work-response';
import { parseThenAdmit, type RouteModule } from './route-module';

export const FILTER_UPLOAD_PARAMS = { filter: enumParam(FILTER_NAMES) };
export const FILTER_GENERATED_PARAMS = {
  filter: enumParam(FILTER_NAMES),
  size: intParam(16, 1024),
};

const EMPTY_BODY = 'Expected a PNG image in the body, got an empty body';

/**
 * An upload is refused from its headers alone, before admission and before a byte of its body
 * is read: no body at all (400, as an empty one), a declared `Content-Length` over the limit
 * (413), not `image/png` (415). The checks cost nothing; the upload costs bandwidth, and an
 * admitted request holds a `MAX_QUEUE` slot while its body arrives.
 */
const checkUploadHeaders: RequestHandler = (req, _res, next) => {
  if (!hasBody(req)) {
    next(new ProblemError('ERR_INVALID_IMAGE', EMPTY_BODY));
    return;
  }
  const length = declaredLength(req);
  if (length !== undefined && length > LIMITS.maxBodyBytes) {
    next(bodyTooLarge(LIMITS.maxBodyBytes));
    return;
  }
  // `req.is` answers null for a request without a body: checked above, so this is the type.
  if (!req.is('image/png')) {
    next(
      new ProblemError(
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `Expected a body of type \`image/png\`, got \`${req.headers['content-type'] ?? 'none'}\``,
      ),
    );
    return;
  }
  next();
};

export const defineImageRoutes: RouteModule = (routes, ctx, admit) => {
  const validateUpload: RequestHandler = (req, res, next) => {
    res.locals['params'] = parseQuery(req.query, FILTER_UPLOAD_PARAMS);
    next();
  };

  routes.define(
    'post',
    '/image/filter',
    validateUpload,
    checkUploadHeaders,
    admit,
    async (req, res) => {
      const { filter } = res.locals['params'] as { filter: (typeof FILTER_NAMES)[number] };
      reserveBodyBytes(ctx.state, req, res, LIMITS.maxBodyBytes);
      // Cut off as soon as it passes the limit (a chunked body declares no length).
      const body = await readBody(req, res, LIMITS.maxBodyBytes);
      if (body.length === 0) throw new ProblemError('ERR_INVALID_IMAGE', EMPTY_BODY);
      // Refuse decompression bombs from the header alone, before decoding a single pixel.
      assertImageWithin(body, LIMITS.maxImageSide);
      const png = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      const out = await underDeadline(
        res,
        ctx.runner.run({ kind: 'filter', filter, png }, runOptions(res)),
      );
      setServerTiming(res, out);
      res.setHeader('X-Model', ctx.model);
      res.setHeader('X-Pid', String(process.pid));
      res.setHeader('X-Thread-Id', String(out.threadId));
      res.setHeader('X-Duration-Ms', elapsedMs(res).toFixed(3));
      res
        .type('image/png')
        .send(Buffer.from(out.result.buffer, out.result.byteOffset, out.result.byteLength));
    },
  );

  const generated = parseThenAdmit((req) => parseQuery(req.query, FILTER_GENERATED_PARAMS), admit);
  routes.define('get', '/image/filter', generated.admit, async (_req, res) => {
    const { filter, size } = generated.params(res);
    const out = await underDeadline(
      res,
      ctx.runner.run({ kind: 'filter-generated', filter, size }, runOptions(res)),
    );
    sendWork(res, ctx, out.result, out);
  });
};
