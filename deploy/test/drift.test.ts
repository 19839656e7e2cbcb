/**
 * deploy/k8s/dist is generated and committed: regenerating must give exactly the committed files
 * (run `npx nx run deploy:synth` after changing deploy/src, the model registry, the k6 scripts,
 * scenarios.json, the collector config or the dashboards).
 */
import { renderFile } from '../src/manifests';
import { outputDir } from '../src/sources';
import { filesUnder, synthesized } from './support/synthesized';

describe('the committed YAML', () => {
  it('regenerates to exactly the committed files, no more, no fewer', async () => {
    const { files } = await synthesized();
    const fresh = Object.fromEntries(
      await Promise.all(files.map(async (f) => [f.path, await renderFile(f)] as const)),
    );
    const committed = filesUnder(outputDir());
    expect(Object.keys(committed)).toEqual(Object.keys(fresh).sort());
    for (const [path, text] of Object.entries(fresh))
      expect([path, committed[path]]).toEqual([path, text]);
  });

  it('negative control: one changed option changes the YAML, so drift would be caught', async () => {
    const { files } = await synthesized({ cpus: 3 });
    const file = files.find((f) => f.path === '20-async-service.yaml');
    if (!file) throw new Error('no 20-async-service.yaml was generated');
    const committed = filesUnder(outputDir())['20-async-service.yaml'];
    expect(await renderFile(file)).not.toBe(committed);
    expect(committed).toContain('WORKERS\n              value: "2"');
  });
});
