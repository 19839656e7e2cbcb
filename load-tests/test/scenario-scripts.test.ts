import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const k6Dir = join(root, 'k6');
const ids = (
  JSON.parse(readFileSync(join(root, 'scenarios.json'), 'utf8')) as { scenarios: { id: string }[] }
).scenarios.map((s) => s.id);
const scripts = readdirSync(k6Dir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length));

describe('one k6 script per scenario of the shared scenarios.json', () => {
  it('has a script for every scenario id', () => {
    expect(ids.filter((id) => !scripts.includes(id))).toEqual([]);
  });

  it('has no script without a scenario', () => {
    expect(scripts.filter((script) => !ids.includes(script))).toEqual([]);
  });

  it('reads seven scenarios (the check is not vacuous)', () => {
    expect(ids).toEqual(['io', 'io-saturation', 'cpu', 'image', 'scrape', 'mixed', 'fairness']);
  });

  it.each(scripts)(
    '%s.ts opens the shared scenarios.json, runs its own id and exports what k6 needs',
    (script) => {
      const text = readFileSync(join(k6Dir, `${script}.ts`), 'utf8');
      expect(text).toMatch(
        new RegExp(
          `^export const \\{ options, stream, handleSummary \\} = scenarioScript\\(\\s*open\\('\\.\\./scenarios\\.json'\\),\\s*'${script}',\\s*thresholds,\\s*\\);$`,
          'm',
        ),
      );
    },
  );
});
