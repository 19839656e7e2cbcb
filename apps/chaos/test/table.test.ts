import { describe, expect, it } from '@jest/globals';
import { emptyRow, type DrillRow } from '../src/drill';
import { renderTable, rowCells } from '../src/table';

const held: DrillRow = {
  ...emptyRow('worker-kill', 'cluster'),
  requests: 15_459,
  lost: 13,
  p99Ms: 42.4,
  rssPeakBytes: 210 * 1024 * 1024,
  recoveryMs: 612,
  notes: ['in flight at each kill: 5, 4, 6'],
};
const broken: DrillRow = {
  ...emptyRow('overload', 'async'),
  requests: 900,
  p99Ms: 12_345,
  notes: ['capacity 300 req/s'],
  violations: [
    'accepted p99 12.3 s > 2000 ms',
    '/healthz max 2100 ms (0 failed), budget < 1000 ms',
  ],
};

describe('the chaos table', () => {
  it('gives every row its requests, lost, p99, RSS peak, recovery and verdict', () => {
    expect(rowCells(held)).toEqual([
      'worker-kill',
      'cluster',
      '15,459',
      '13',
      '42 ms',
      '210.0 MiB',
      '612 ms',
      'held',
    ]);
    expect(rowCells(broken)).toEqual([
      'overload',
      'async',
      '900',
      '0',
      '12.3 s',
      '—',
      '—',
      'BROKEN (2)',
    ]);
  });

  it('aligns the columns, lists each row’s figures and every broken budget', () => {
    const lines = renderTable([held, broken]).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'drill        model    requests  lost     p99   RSS peak  recovery  budget',
      '-----------  -------  --------  ----  ------  ---------  --------  ----------',
      'worker-kill  cluster    15,459    13   42 ms  210.0 MiB    612 ms  held',
      'overload     async         900     0  12.3 s          —         —  BROKEN (2)',
    ]);
    expect(lines).toContain('  worker-kill cluster: in flight at each kill: 5, 4, 6');
    expect(lines).toContain('Broken budgets (1 of 2 runs):');
    expect(lines).toContain('  overload async: accepted p99 12.3 s > 2000 ms');
    expect(lines).toContain('  overload async: /healthz max 2100 ms (0 failed), budget < 1000 ms');
  });

  it('says so when every budget held', () => {
    expect(renderTable([held]).split('\n').at(-1)).toBe(
      'Every budget held (1 drill × model runs).',
    );
  });

  it('shows no RSS peak where none was measured (0: no process tree was sampled)', () => {
    expect(rowCells({ ...held, rssPeakBytes: 0 })[5]).toBe('—');
    expect(rowCells({ ...held, rssPeakBytes: undefined })[5]).toBe('—');
  });
});
