/** Renders one simulation's report in both formats from the same input. Pure: no I/O, no clock. */
import type { ReportInput } from './report-input.ts';
import { renderReportHtml } from './report-html.ts';
import { renderReportMarkdown } from './report-markdown.ts';

export interface RenderedReport {
  markdown: string;
  html: string;
}

export function renderReport(input: ReportInput): RenderedReport {
  return { markdown: renderReportMarkdown(input), html: renderReportHtml(input) };
}
