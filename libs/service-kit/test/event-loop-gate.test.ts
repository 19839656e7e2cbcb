import { describe, expect, it } from '@jest/globals';
import { EXIT_RATIO, LoopGate, type LoopSample } from '../src/event-loop-gate';

const limits = { maxDelayMs: 100, maxUtilization: 0.9 };
const run = (gate: LoopGate, samples: LoopSample[]) => samples.map((s) => gate.update(s));
const d = (delayMs: number, utilization = 0.1): LoopSample => ({ delayMs, utilization });

describe('LoopGate', () => {
  it('opens and closes with hysteresis: enters above the limit, leaves only below EXIT_RATIO of it', () => {
    expect(EXIT_RATIO).toBe(0.7);
    const gate = new LoopGate(limits);
    expect(run(gate, [d(50), d(100), d(101), d(90), d(71), d(70), d(69), d(95), d(101)])).toEqual([
      undefined,
      undefined, // at the limit is not past it
      'event_loop_delay',
      'event_loop_delay', // between the thresholds: stays
      'event_loop_delay',
      'event_loop_delay', // 70 is not below 0.7 × 100
      undefined,
      undefined, // between the thresholds but open: stays open
      'event_loop_delay',
    ]);
  });

  it('negative control: without hysteresis the same samples would flip on every crossing', () => {
    const gate = new LoopGate(limits);
    const samples = [d(101), d(90), d(101), d(95)];
    const stateless = samples.map((s) => gate.over(s));
    expect(stateless).toEqual(['event_loop_delay', undefined, 'event_loop_delay', undefined]);
    expect(run(new LoopGate(limits), samples)).toEqual(Array(4).fill('event_loop_delay'));
  });

  it('sheds on utilization, and leaves only when both figures are calm', () => {
    const gate = new LoopGate(limits);
    expect(run(gate, [d(10, 0.95), d(10, 0.8), d(80, 0.5), d(10, 0.62)])).toEqual([
      'event_loop_utilization',
      'event_loop_utilization',
      'event_loop_utilization', // utilization calm, delay not below 70
      undefined,
    ]);
  });

  it('leaves on utilization only below EXIT_RATIO of the limit, not at it', () => {
    const gate = new LoopGate({ maxDelayMs: 0, maxUtilization: 0.5 });
    const exit = EXIT_RATIO * 0.5;
    expect(run(gate, [d(0, 0.6), d(0, exit), d(0, exit - 0.01)])).toEqual([
      'event_loop_utilization',
      'event_loop_utilization', // at EXIT_RATIO × the limit is not below it
      undefined,
    ]);
  });

  it('checks nothing that is set to 0', () => {
    const off = new LoopGate({ maxDelayMs: 0, maxUtilization: 0 });
    expect(run(off, [d(5000, 1), d(0, 0)])).toEqual([undefined, undefined]);
    const delayOnly = new LoopGate({ maxDelayMs: 100, maxUtilization: 0 });
    expect(run(delayOnly, [d(10, 1), d(200, 1), d(10, 1)])).toEqual([
      undefined,
      'event_loop_delay',
      undefined,
    ]);
  });
});
