import { tempFolder } from '@concurrency-lab/launcher/testing';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../src/errors';
import { checkOutFolder } from '../src/out-folder';

/** The message `checkOutFolder` refuses `out` with, or `undefined` when it takes it. */
function refusal(out: string): string | undefined {
  try {
    checkOutFolder(out, out);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
}

describe('checkOutFolder', () => {
  const tmp = tempFolder('demos-out-');

  it('takes a folder it can create in, or one to create below it, and leaves nothing there', () => {
    expect([refusal(tmp), refusal(join(tmp, 'reports', 'lessons'))]).toEqual([
      undefined,
      undefined,
    ]);
    expect(readdirSync(tmp)).toEqual([]); // its probe removed, the missing folders not made
  });

  it('refuses a folder nothing can be created in, even for root, whom access(W_OK) lets by', () => {
    // /proc: root passes access(W_OK) there, then the report writer's recursive mkdir of
    // /proc/lessons/<time> never returned. This check makes one folder, so it cannot hang.
    // (ENOENT as root; a user who may not write there meets EACCES.)
    expect(refusal('/proc/lessons')).toMatch(
      /^Expected `--out` to be a folder this user can write in, got `\/proc\/lessons` \(`\/proc` is not writable: E[A-Z]+\)$/,
    );
  });

  it('refuses a file, or a path below one', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    expect([refusal(file), refusal(join(file, 'below'))]).toEqual([
      `Expected \`--out\` to be a folder, got \`${file}\`: a file`,
      `Expected \`--out\` to be a folder, got \`${join(file, 'below')}\`: \`${file}\` is a file`,
    ]);
  });

  it('refuses a link to nothing, or a path below one, rather than fail when the report is written', () => {
    const link = join(tmp, 'a-dangling-link');
    symlinkSync(join(tmp, 'nowhere'), link);
    expect([refusal(link), refusal(join(link, 'below'))]).toEqual([
      `Expected \`--out\` to be a folder, got \`${link}\`: a link to nothing`,
      `Expected \`--out\` to be a folder, got \`${join(link, 'below')}\`: \`${link}\` is a link to nothing`,
    ]);
  });
});
