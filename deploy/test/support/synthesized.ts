import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { deployOptions, type DeployOptions } from '../../src/deploy-options';
import type { Manifest } from '../../src/k8s-models';
import { synthesize, type ManifestFile } from '../../src/manifests';
import { readSources, repoRoot } from '../../src/sources';
import { toJson } from '../../src/validate-manifests';

/** Every file the synth writes with `options`, and each object as the YAML will hold it. */
export async function synthesized(options: Partial<DeployOptions> = {}): Promise<{
  files: ManifestFile[];
  objects: Record<string, unknown>[];
}> {
  const files = await synthesize(deployOptions(options), readSources());
  const objects = await Promise.all(files.flatMap((f) => f.manifests).map((m) => toJson(m)));
  return { files, objects: JSON.parse(JSON.stringify(objects)) as Record<string, unknown>[] };
}

/** The objects of one kind, by name. */
export function byKind<T = Manifest>(objects: readonly Record<string, unknown>[], kind: string) {
  return new Map(
    objects
      .filter((o) => o['kind'] === kind)
      .map((o) => [(o['metadata'] as { name: string }).name, o as unknown as T]),
  );
}

/** Every file under `dir`, by path relative to it with `/` separators, sorted. */
export function filesUnder(dir: string): Record<string, string> {
  const files: [string, string][] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push([relative(dir, full).split(sep).join('/'), readFileSync(full, 'utf8')]);
  }
  return Object.fromEntries(files.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every object of the YAML files under `dir`. */
export function committedObjects(dir: string): Record<string, unknown>[] {
  return Object.values(filesUnder(dir)).flatMap((text) =>
    parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>),
  );
}

export const root = repoRoot();
