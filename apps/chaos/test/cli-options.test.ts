import { describe, expect, it } from '@jest/globals';
import { thrownAs } from '@concurrency-lab/errors/testing';
import { MODEL_NAMES } from '@concurrency-lab/models';
import { DEFAULT_WORKERS, FUZZ_RUNS, parseChaosOptions, QUICK_FUZZ_RUNS } from '../src/cli-options';
import { DRILL_NAMES } from '../src/drill';
import { ChaosUsageError } from '../src/errors';

describe('parseChaosOptions', () => {
  it('runs every drill but fuzz on every model by default', () => {
    expect(parseChaosOptions([])).toEqual({
      quick: false,
      drills: DRILL_NAMES.filter((d) => d !== 'fuzz'),
      models: [...MODEL_NAMES],
      fuzzRuns: FUZZ_RUNS,
      seed: undefined,
      workers: DEFAULT_WORKERS,
    });
  });

  it('adds the fuzz drill with --fuzz, 10,000 cases, or 1,000 with --quick', () => {
    const full = parseChaosOptions(['--fuzz']);
    expect(full).toMatchObject({ fuzzRuns: 10_000 });
    expect(full !== 'help' && full.drills).toEqual([...DRILL_NAMES]);
    expect(parseChaosOptions(['--fuzz', '--quick'])).toMatchObject({
      quick: true,
      fuzzRuns: QUICK_FUZZ_RUNS,
    });
    expect(parseChaosOptions(['--drills', 'fuzz', '--fuzz-runs', '250'])).toMatchObject({
      drills: ['fuzz'],
      fuzzRuns: 250,
    });
  });

  it('keeps the drills in running order and drops repeats, whatever order they are given in', () => {
    expect(parseChaosOptions(['--drills', 'soak, overload,soak'])).toMatchObject({
      drills: ['overload', 'soak'],
    });
    expect(parseChaosOptions(['--models', 'async, threads,async'])).toMatchObject({
      models: ['async', 'threads'],
    });
    expect(
      parseChaosOptions(['--models', 'cluster,async', '--fuzz', '--seed=-7', '--workers', '4']),
    ).toMatchObject({
      models: ['cluster', 'async'],
      seed: -7,
      workers: 4,
    });
  });

  it('answers help to -h and --help', () => {
    expect(parseChaosOptions(['-h'])).toBe('help');
    expect(parseChaosOptions(['--quick', '--help'])).toBe('help');
  });

  it.each([
    [['--drills', 'meltdown'], 'Expected `--drills` from overload, worker-kill'],
    [['--drills', ','], 'Expected `--drills` to list at least one of'],
    [['--models', 'fibers'], 'got `fibers`'],
    [['--fuzz-runs', '0'], 'Expected `--fuzz-runs` to be an integer from 1 to 1000000, got `0`'],
    [['--fuzz-runs', '1e4'], 'got `1e4`'],
    [['--workers', '65'], 'Expected `--workers` to be an integer from 1 to 64, got `65`'],
    [['--seed', 'x'], 'got `x`'],
    // Only the fuzz drill reads them: without it they were ignored, and a full run started.
    [['--seed=-5'], 'Expected `--seed` only with the fuzz drill (--fuzz, or fuzz in --drills)'],
    [['--drills', 'soak', '--fuzz-runs', '5'], 'Expected `--fuzz-runs` only with the fuzz drill'],
    [['--fast'], "Unknown option '--fast'"],
    [['extra'], 'extra'],
    // The last of a repeated option used to win, silently: the first was never checked.
    [['--workers', '0', '--workers', '4'], 'Expected `--workers` once, got it twice'],
    [['--models=nope', '--models', 'async'], 'Expected `--models` once, got it twice'],
    [['--quick', '--fuzz', '--quick'], 'Expected `--quick` once, got it twice'],
    [['-h', '--help'], 'Expected `--help` once, got it twice'],
  ])('refuses %j with ERR_CHAOS_USAGE, saying what it expected and got', (argv, message) => {
    const error = thrownAs(ChaosUsageError, () => parseChaosOptions(argv));
    expect(error).toMatchObject({ code: 'ERR_CHAOS_USAGE' });
    expect(error.message).toContain(message);
  });
});
