import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEMOS } from '../src/catalog';

const PAGE = resolve(__dirname, '../../../docs/python-to-node.md');
const text = readFileSync(PAGE, 'utf8');

/** The constructs the issue names; each must appear on the page, in code. */
const CONSTRUCTS = [
  'Thread',
  'Lock',
  'Process',
  'Queue',
  'Pool',
  'Pipe',
  'Manager',
  'shared_memory',
  'asyncio.gather',
  'create_task',
  'Semaphore',
  'Event',
  'Condition',
  'Barrier',
  'ThreadPoolExecutor',
  'ProcessPoolExecutor',
  'as_completed',
  'asyncio.TaskGroup',
  'InterpreterPoolExecutor',
  'faulthandler',
  'tracemalloc',
];

/** Inline links and their targets: `[text](target)`. */
const links = [...text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
/** Code spans: `Thread`, `threading.Thread(target=…)`. */
const spans = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
/** GitHub's anchors of the page's headings: lower case, punctuation dropped, spaces to dashes. */
const anchors = new Set(
  [...text.matchAll(/^#+ (.+)$/gm)].map((m) =>
    (m[1] as string)
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

/** `name` as a whole word (dots belong to it) in some code span. */
const inCode = (name: string) => {
  const word = new RegExp(`(^|[^A-Za-z0-9_.])${name.replace(/\./g, '\\.')}($|[^A-Za-z0-9_])`);
  return spans.some((span) => word.test(span));
};

describe('docs/python-to-node.md', () => {
  it('names every construct of the guide the issue lists, in code', () => {
    expect(CONSTRUCTS.filter((c) => !inCode(c))).toEqual([]);
    // The check itself: a word inside a longer name does not count.
    expect([inCode('Lock'), inCode('ock'), inCode('syncio.gather')]).toEqual([true, false, false]);
  });

  it('links only to files that exist, and to headings of this page that exist', () => {
    const relative = links.filter((l) => !/^[a-z]+:/.test(l));
    expect(relative.length).toBeGreaterThan(30);
    const broken = relative.filter((link) => {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      if (path === '') return !anchors.has(anchor ?? '');
      return !existsSync(join(dirname(PAGE), path));
    });
    expect(broken).toEqual([]);
  });

  it('points at every demo', () => {
    const linked = new Set(
      links.map((l) => /apps\/demos\/src\/demos\/([a-z-]+)\.ts$/.exec(l)?.[1]),
    );
    expect(DEMOS.map((d) => d.name).filter((name) => !linked.has(name))).toEqual([]);
  });
});
