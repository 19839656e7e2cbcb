import { renderCharts } from '@concurrency-lab/report-kit';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LessonRecord } from '../run-demo';
import { lessonCharts } from './lesson-charts';
import { lessonsHtml } from './lessons-html';
import { lessonsMarkdown } from './lessons-markdown';

/** lessons.json: when, where, and every demo's record. */
export interface LessonsReport {
  createdAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    platform: string;
    arch: string;
    loadavg: number[];
  };
  lessons: LessonRecord[];
}

/** Where `--all` points the newest lessons report: `reports/lessons-latest` → `<timestamp>`. */
export const LATEST_LINK = 'lessons-latest';

export function lessonsReport(lessons: LessonRecord[], createdAt = new Date()): LessonsReport {
  return {
    createdAt: createdAt.toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      loadavg: loadavg(),
    },
    lessons,
  };
}

/**
 * Writes `<root>/<timestamp>/lessons.{json,md,html}` (the page self-contained: inline CSS and
 * SVG charts, no script) and points `<root>/lessons-latest` at that folder, so a page can link
 * the newest one without knowing its timestamp. Returns the folder.
 */
export async function writeLessonsReport(
  lessons: LessonRecord[],
  root: string,
  createdAt = new Date(),
): Promise<string> {
  const report = lessonsReport(lessons, createdAt);
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const dir = join(root, stamp);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lessons.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'lessons.md'), lessonsMarkdown(report));
  writeFileSync(
    join(dir, 'lessons.html'),
    lessonsHtml(report, await renderCharts(lessonCharts(lessons))),
  );
  const latest = join(root, LATEST_LINK);
  rmSync(latest, { force: true, recursive: true });
  symlinkSync(stamp, latest, 'dir');
  return dir;
}
