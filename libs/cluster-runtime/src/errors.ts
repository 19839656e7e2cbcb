/** Every error the cluster's IPC layer throws on purpose (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_CLUSTER_';

export interface RpcError {
  code: string;
  message: string;
}

/**
 * A failed call over the IPC channel. It carries the other side's `code` when the handler threw
 * one (a counter error, ERR_WORKER_CRASHED, …), or one of this layer's own codes below.
 */
export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  readonly code: string;
  constructor(error: RpcError) {
    super(error.message);
    this.code = error.code;
  }
}

/** No answer within the call's timeout. */
export const IPC_TIMEOUT = 'ERR_CLUSTER_IPC_TIMEOUT';
/** The other side has no handler for the method. */
export const IPC_NO_METHOD = 'ERR_CLUSTER_IPC_NO_METHOD';
/**
 * The caller gave up on the call (its signal aborted or its timeout passed): the handler's abort
 * reason.
 */
export const IPC_CANCELLED = 'ERR_CLUSTER_IPC_CANCELLED';

export const ERROR_CATALOG = [
  {
    code: IPC_TIMEOUT,
    className: 'RpcCallError',
    meaning: 'A call between cluster processes got no answer within its timeout.',
  },
  {
    code: IPC_NO_METHOD,
    className: 'RpcCallError',
    meaning: 'A cluster process was asked for an IPC method it does not serve.',
  },
  {
    code: IPC_CANCELLED,
    className: 'RpcCallError',
    meaning:
      'The caller of an IPC call gave up on it (its deadline or timeout passed): the reason the handler is aborted with.',
  },
] as const;
