export { renderReport } from './render-report.ts';
export { renderSweepReport, refusedText } from './render-sweep-report.ts';
export { THROUGHPUT_LINES_MAX } from './report-charts.ts';
export { jainText } from './report-tables.ts';
export { escapeHtml } from './escape-html.ts';
export { formatCount, formatDuration, formatPercent, formatRatio } from './format.ts';
export { refusedTotal } from './report-tables.ts';
export type { RenderedReport } from './render-report.ts';
export type {
  CampaignMetrics,
  CdfPoint,
  ExpectationResult,
  FairnessMetrics,
  OutcomeCounts,
  Percentiles,
  PolicyMetrics,
  QueueDepthPoint,
  RefusedAction,
  ReportInput,
  ServiceMetrics,
  SweepInput,
  SweepPoint,
  SweepValue,
  ThroughputSeries,
  UserMetrics,
  ViolationReport,
  WindowUsage,
} from './report-input.ts';
