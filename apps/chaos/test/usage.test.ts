import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE } from '../src/cli-options';

describe('chaos --help', () => {
  it('says how long --quick takes as the README does, a measured figure, not a bound', () => {
    // Nothing in chaos caps a run's total time (only each drill's load durations are set), and
    // the README gives `npm run chaos -- --quick` as "about N minutes": --help must agree.
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const [, minutes] = /npm run chaos -- --quick .*about (\w+) minutes/.exec(readme) ?? [];
    expect(minutes).toBeDefined();
    const quickLine = USAGE.split('\n').find((line) => line.trimStart().startsWith('--quick'));
    expect(quickLine).toContain(`about ${minutes} minutes`);
    expect(USAGE).not.toMatch(/within \d+ minutes/);
  });
});
