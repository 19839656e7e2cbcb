import type { Drill, DrillName } from '../drill';
import { fuzz } from './fuzz';
import { gracefulStop } from './graceful-stop';
import { overload } from './overload';
import { poolCrash } from './pool-crash';
import { rollingRestart } from './rolling-restart';
import { soak } from './soak';
import { upstreamFaults } from './upstream-faults';
import { workerKill } from './worker-kill';

/** Every drill, in the order they run (overload first: it measures the capacity the soak uses). */
export const DRILLS: Readonly<Record<DrillName, Drill>> = {
  overload,
  'worker-kill': workerKill,
  'pool-crash': poolCrash,
  'rolling-restart': rollingRestart,
  'graceful-stop': gracefulStop,
  'upstream-faults': upstreamFaults,
  soak,
  fuzz,
};
