import { describePoolRunner } from '../src/testing';
import { createPool, MARKS } from './pool-helpers';

// The pool-runner suite every pool-backed WorkRunner passes (procpool's runs it on processes),
// on real threads running the fixture worker: the real tasks, fib(39) kills its thread.
describePoolRunner('ThreadPoolRunner', {
  worker: 'thread',
  model: 'threads',
  marks: MARKS,
  start: (settings) => Promise.resolve(createPool(settings).pool),
});
