import {
  escapeHtml as escape,
  htmlPage,
  markdownTable,
  markdownText,
  NO_FIGURE,
} from '@concurrency-lab/report-kit';
import type { Comparison, ComparisonRow } from './compare-reports';

export const COMPARE_HEADER = ['scenario', 'model', 'figure', 'A', 'B', 'B/A', 'noise ±', 'flag'];

const number = (v: number | null) =>
  v === null
    ? NO_FIGURE
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toFixed(2);

const FLAG = { differs: 'differs', 'within noise': '≈', unknown: '?' } as const;

/** One row's cells, as every format shows them. */
export function compareCells(row: ComparisonRow): string[] {
  return [
    row.scenario,
    row.model,
    row.label,
    number(row.a),
    number(row.b),
    row.ratio === null ? NO_FIGURE : `${row.ratio.toFixed(2)}×`,
    row.noise === null ? NO_FIGURE : `${Math.round(row.noise * 100)}%`,
    FLAG[row.flag],
  ];
}

/**
 * What the columns and flags mean — every reason a "?" or a "—" is shown: a reader took "?" on a
 * model that stopped answering for "too few intervals", which it was not.
 */
export const NOISE_NOTE =
  'noise ±: the two runs’ spread over their sampling intervals (standard deviation / mean, per interval; for memory per connection, RSS’s standard deviation / (RSS peak − RSS idle), the part of RSS it counts; a run whose intervals are all 0 — a model that answered nothing — over the other run’s mean (or RSS peak − RSS idle) instead; combined as √(A² + B²)); a figure is flagged "differs" when B/A is further from 1 than that. A figure that is 0 in A and not in B (a model that started answering) has no finite ratio: B/A shows "—", and it differs when the noise is under 100%, as one that went to 0 (B/A 0.00×) does; 0 in both runs is "≈". The band is conservative: a run’s mean moves less than its intervals do. "?" = no noise figure, or nothing to compare: too few intervals to measure the noise (under 3), a report without RSS idle, or a run without the figure (A or B "—": a model with no answers has no latency; its req/s row says whether it stopped or started answering).';

const headline = (c: Comparison) => {
  const differ = c.rows.filter((r) => r.flag === 'differs').length;
  return `${differ} of ${c.rows.length} figures differ beyond the runs’ own noise.`;
};

/** compare.md */
export function compareMarkdown(c: Comparison): string {
  const differing = c.rows.filter((r) => r.flag === 'differs');
  return [
    '# concurrency-lab comparison',
    '',
    // Read from the files (and their paths) the user named: outside text, one line each.
    `A: ${markdownText(`${c.a.createdAt} (${c.a.file})`)}`,
    `B: ${markdownText(`${c.b.createdAt} (${c.b.file})`)}`,
    '',
    markdownTable(
      ['setup', 'A', 'B'],
      c.setup.map((s) => [s.field, s.a, s.b === s.a ? s.b : `**${s.b}**`]),
    ),
    '',
    `## ${headline(c)}`,
    '',
    ...(differing.length
      ? [markdownTable(COMPARE_HEADER, differing.map(compareCells)), '']
      : ['(none)', '']),
    '## Every figure, scenario × model',
    '',
    markdownTable(COMPARE_HEADER, c.rows.map(compareCells)),
    '',
    NOISE_NOTE,
    ...(c.unmatched.length ? ['', `Not compared: ${markdownText(c.unmatched.join(', '))}.`] : []),
    '',
  ].join('\n');
}

/** index.html: one self-contained page, the differing rows marked. */
export function compareHtml(c: Comparison): string {
  const rows = c.rows
    .map(
      (r) =>
        `<tr class="${r.flag === 'differs' ? 'differs' : ''}">${compareCells(r)
          .map((cell) => `<td>${escape(cell)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const setup = c.setup
    .map(
      (s) =>
        `<tr${s.a === s.b ? '' : ' class="differs"'}><td>${escape(s.field)}</td><td>${escape(s.a)}</td><td>${escape(s.b)}</td></tr>`,
    )
    .join('');
  return htmlPage({
    title: 'concurrency-lab comparison',
    maxWidth: 1100,
    style: [
      'th, td { text-align: right; } th:nth-child(-n+3), td:nth-child(-n+3) { text-align: left; }',
      'tr.differs td { background: #fff4e5; font-weight: 600; }',
      '.note { color: #555; font-size: .9em; max-width: 60rem; }',
    ],
    body: `<h1>concurrency-lab comparison</h1>
<p>A: ${escape(c.a.createdAt)} <code>${escape(c.a.file)}</code><br>B: ${escape(c.b.createdAt)} <code>${escape(c.b.file)}</code></p>
<table id="setup"><thead><tr><th>setup</th><th>A</th><th>B</th></tr></thead><tbody>${setup}</tbody></table>
<h2>${escape(headline(c))}</h2>
<table id="figures"><thead><tr>${COMPARE_HEADER.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
<p class="note">${escape(NOISE_NOTE)}</p>
${c.unmatched.length ? `<p class="note">Not compared: ${escape(c.unmatched.join(', '))}.</p>` : ''}`,
  });
}
