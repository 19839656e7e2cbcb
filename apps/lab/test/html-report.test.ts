import { lessonItem } from '../src/report/html-report';

describe('a lesson on the report page', () => {
  const lesson = (holds: boolean | null) => ({
    id: 'cpu-needs-cores',
    claim: 'CPU work needs cores',
    holds,
    figures: 'threads 1.8× <async>',
  });

  it('is green when it holds, red when it does not, grey when the run could not check it', () => {
    expect(lessonItem(lesson(true))).toMatch(/^<li class="lesson holds">✔ holds: /);
    expect(lessonItem(lesson(false))).toMatch(/^<li class="lesson fails">✘ does not hold: /);
    expect(lessonItem(lesson(null))).toMatch(/^<li class="lesson unchecked">—: /);
  });

  it('escapes the claim and the figures', () => {
    expect(lessonItem(lesson(true))).toContain('threads 1.8× &lt;async&gt;.</li>');
  });
});
