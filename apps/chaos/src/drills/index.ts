import type { Drill, DrillName } from '../drill';
import { fuzz } from './fuzz';
import { gracefulStop } from './graceful-stop';
import { overload } from './overload';
import { poolCrash } from './pool-crash';
import { rollingRestart } from './rolling-restart';
import { soak } from './soak';
import { upstreamFaults } from './upstream-faults';
import { workerKill } from './worker-kill';

/**
 * Every drill, in the order they run (overload first: it measures the capacity the soak uses),
 * each under its own name: the type ties a key to the drill of that name, so a drill filed
 * under another's key does not compile (the runner names failed rows by the key).
 */
export const DRILLS: { readonly [N in DrillName]: Drill<N> } = {
  overload,
  'worker-kill': workerKill,
  'pool-crash': poolCrash,
  'rolling-restart': rollingRestart,
  'graceful-stop': gracefulStop,
  'upstream-faults': upstreamFaults,
  soak,
  fuzz,
};
