/**
 * `npx nx run deploy:synth [-- --parallelism=4 --testid=run-2 …]`: writes k8s/dist/*.yaml (and
 * k8s/dist/testruns/*.yaml) from the model registry and the repository's files, replacing what
 * was there. Options: deploy-options.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deployOptions, parseSynthArgs } from './deploy-options';
import { renderFile, synthesize } from './manifests';
import { outputDir, readSources } from './sources';

async function main(): Promise<void> {
  const options = deployOptions(parseSynthArgs(process.argv.slice(2)));
  const files = await synthesize(options, readSources());
  const out = outputDir();
  rmSync(out, { recursive: true, force: true });
  for (const file of files) {
    const path = join(out, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await renderFile(file));
  }
  const objects = files.reduce((n, f) => n + f.manifests.length, 0);
  process.stdout.write(`deploy: ${files.length} files, ${objects} objects in ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exitCode = 1;
});
