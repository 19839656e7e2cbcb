export {
  createUpstreamServer,
  DEFAULT_UPSTREAM_OPTIONS,
  upstreamOptionsFromEnv,
  type UpstreamOptions,
} from './upstream-server';
export { readUpstreamEnv, resolveUpstreamOptions } from './upstream-options';
export { mulberry32 } from './mulberry32';
export { drainable } from './drain';
