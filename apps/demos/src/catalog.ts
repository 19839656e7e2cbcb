import type { Demo } from './demo';
import { blocking } from './demos/blocking';
import { deadlock } from './demos/deadlock';
import { gather } from './demos/gather';
import { gil } from './demos/gil';
import { hybrid } from './demos/hybrid';
import { leak } from './demos/leak';
import { libuvPool } from './demos/libuv-pool';
import { manager } from './demos/manager';
import { pipe } from './demos/pipe';
import { poolMap } from './demos/pool-map';
import { primitives } from './demos/primitives';
import { producerConsumer } from './demos/producer-consumer';
import { race } from './demos/race';
import { recycle } from './demos/recycle';
import { sharedMemory } from './demos/shared-memory';
import { starvation } from './demos/starvation';

/** Every demo, in the order `--list` and `--all` give them: the order the issue lists them in. */
export const DEMOS: readonly Demo[] = [
  gil,
  race,
  deadlock,
  starvation,
  leak,
  blocking,
  libuvPool,
  pipe,
  sharedMemory,
  manager,
  producerConsumer,
  gather,
  primitives,
  poolMap,
  recycle,
  hybrid,
];

export const demoNamed = (name: string): Demo | undefined => DEMOS.find((d) => d.name === name);
