/** The instructions of a Dockerfile, continuation lines joined and comments dropped. */
export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (line.startsWith('#')) return; // a comment inside a continued instruction
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const space = full.search(/\s/);
    instructions.push({
      line: start,
      keyword: full.slice(0, space).toUpperCase(),
      args: full.slice(space + 1).trim(),
    });
  });
  return instructions;
}

/** Stages, each a list of instructions starting with its FROM. */
export function stages(instructions: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') result.push([instruction]);
    else result.at(-1)?.push(instruction);
  }
  return result;
}

/**
 * Whether an image reference names an exact version: a tag with at least major.minor (and no
 * `latest`), or a digest. `node:24-slim` is not pinned, `node:24.21.0-slim` is.
 */
export function isPinnedImage(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  if (colon < 0) return false;
  const tag = name.slice(colon + 1);
  return tag !== 'latest' && /^v?\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/.test(tag);
}
