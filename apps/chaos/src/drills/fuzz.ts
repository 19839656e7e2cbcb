import { runFuzz } from '@concurrency-lab/contract-testing/fuzz';
import { perModelDrill } from '../drill';
import { MemorySampler } from '../probes/memory-sampler';

export const fuzz = perModelDrill({
  name: 'fuzz',
  summary:
    "the contract suite's fuzz (contract-testing): generated requests, only 2xx/4xx/503, the contract's own refusal (400/404/405/417 and its code) for each case it must refuse, never a 500, a hang or a stack trace (--fuzz: 10,000 per model)",
  recovery: '—',
  appliesTo: () => true,
  fleet: { upstream: { env: { UPSTREAM_LATENCY_MS: '2' } } },
  runModel: async (ctx, { service }, row) => {
    const sampler = new MemorySampler({ pid: service.pid, base: service.url });
    const report = await runFuzz(service.url, {
      runs: ctx.fuzzRuns,
      ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}),
    });
    await sampler.stop();
    row.requests = report.runs;
    row.rssPeakBytes = sampler.peakRssBytes;
    row.notes.push(
      // With `=`: 7 of 20 fast-check seeds are negative, and `--seed -123` reads as an option.
      `seed ${report.seed} (replay: --seed=${report.seed})`,
      Object.entries(report.statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', '),
    );
    if (report.failure) {
      row.lost = 1;
      row.violations.push(`${report.failure.reason} — for ${report.failure.described}`);
    } else if (report.runs < ctx.fuzzRuns) {
      row.violations.push(`only ${report.runs} of ${ctx.fuzzRuns} cases ran`);
    }
    return row;
  },
});
