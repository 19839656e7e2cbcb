/**
 * Summarizes a V8 `.cpuprofile` (what `node --cpu-prof` writes) as the top self-time functions
 * and the share of CPU per module (npm package, workspace lib, or node's own internals) — the
 * "where does a request's CPU go" view the kit benchmark prints with BENCH_PROFILE_DIR.
 *
 *   node bench/profile-summary.mts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  percent: number;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled time outside `(idle)`, ms. */
  busyMs: number;
  functions: ProfileShare[];
  modules: ProfileShare[];
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; `libs/x/dist/…` → `lib:x`; `node:…` → `node`. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const lib = /\/(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return `${lib[1] === 'libs' ? 'lib' : 'app'}:${lib[2]}`;
  if (url.startsWith('node:')) return 'node';
  return basename(url);
}

export function summarizeProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? {
      functionName: '?',
      url: '',
      lineNumber: 0,
    };
    if (functionName === '(idle)') continue;
    busy += us;
    const mod = moduleOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${url ? `${mod}/${basename(url)}:${lineNumber + 1}` : ''}`;
    fns.set(fn.trim(), (fns.get(fn.trim()) ?? 0) + us);
    mods.set(mod, (mods.get(mod) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        percent: Number(((100 * us) / busy).toFixed(1)),
        ms: Math.round(us / 1000),
      }));
  return { busyMs: Math.round(busy / 1000), functions: rank(fns), modules: rank(mods) };
}

export function printProfileSummary(title: string, summary: ProfileSummary): void {
  console.log(`\n${title}: ${summary.busyMs} ms of CPU sampled (idle excluded)`);
  const line = (s: ProfileShare) =>
    `    ${s.percent.toFixed(1).padStart(5)}% ${String(s.ms).padStart(6)} ms  ${s.name}`;
  console.log('  by module (self time):');
  for (const m of summary.modules) console.log(line(m));
  console.log('  top functions (self time):');
  for (const f of summary.functions) console.log(line(f));
}

if (import.meta.main) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/profile-summary.mts <file.cpuprofile> [top]');
  printProfileSummary(basename(file), summarizeProfile(file, Number(top ?? 15)));
}
