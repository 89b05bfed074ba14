/**
 * Grouped bar charts over categories (policies, sweep points), with an optional line on a second
 * y axis (e.g. utilisation next to p99 completion in a sweep).
 */
import { axisScale, CHART_HEIGHT, CHART_WIDTH, colorAt, legend, px, svgDocument, TICK_COUNT_Y, yAxis } from './chart-frame.ts';
import type { AxisSpec, LegendItem, Plot, Scale } from './chart-frame.ts';
import { escapeHtml } from './escape-html.ts';
import { emptyChart } from './line-chart.ts';

export interface BarSeries {
  name: string;
  /** One value per category; null leaves a gap (e.g. no campaign completed). */
  values: readonly (number | null)[];
  color?: string;
  /** Per-category colour overrides (e.g. red for a failing sweep point). */
  colors?: readonly string[];
  /** Written on the baseline where a value is null, so that a gap never reads as "zero, best". */
  missingLabel?: string;
}

export interface BarChartSpec {
  title: string;
  categories: readonly string[];
  xLabel: string;
  y: AxisSpec;
  series: readonly BarSeries[];
  /** A line over the categories on a right-hand axis. */
  line?: { name: string; values: readonly (number | null)[]; axis: AxisSpec; color?: string };
  /** Extra legend entries (e.g. what the override colours mean). */
  extraLegend?: readonly LegendItem[];
}

const MARGIN = { left: 68, right: 24, top: 10, bottom: 50 };
const MARGIN_RIGHT_WITH_LINE = 64;

export function barChart(spec: BarChartSpec): string {
  const items: LegendItem[] = spec.series.map((s, i) => ({ name: s.name, color: s.color ?? colorAt(i), mark: 'box' }));
  if (spec.line) items.push({ name: spec.line.name, color: spec.line.color ?? '#333', mark: 'line' });
  items.push(...(spec.extraLegend ?? []));
  const right = CHART_WIDTH - (spec.line ? MARGIN_RIGHT_WITH_LINE : MARGIN.right);
  const top = legend(items, MARGIN.left, MARGIN.top + 6, right - MARGIN.left);
  const plot: Plot = { left: MARGIN.left, right, top: MARGIN.top + top.height + 8, bottom: CHART_HEIGHT + top.height - MARGIN.bottom };
  const values = spec.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  // Bars that are all missing still get axes: their "missing" labels are the message.
  if (spec.categories.length === 0) return emptyChart(spec.title, plot, top.height);
  const ys = axisScale({ ...spec.y, min: Math.min(0, spec.y.min ?? 0) }, values, plot.bottom, plot.top, TICK_COUNT_Y);
  const band = (plot.right - plot.left) / spec.categories.length;
  let body = yAxis(ys, plot, spec.y.label) + bars(spec, items, ys, plot, band) + categoryAxis(spec, plot, band);
  if (spec.line) body += lineOverlay(spec.line, items[items.length - 1 - (spec.extraLegend?.length ?? 0)]!.color, plot, band);
  return svgDocument(spec.title, CHART_HEIGHT + top.height, body + top.svg);
}

function bars(spec: BarChartSpec, items: readonly LegendItem[], ys: Scale, plot: Plot, band: number): string {
  const groupWidth = band * 0.72;
  const barWidth = groupWidth / spec.series.length;
  const zero = ys(Math.max(0, ys.ticks[0]!));
  const rects: string[] = [];
  for (const [si, s] of spec.series.entries()) {
    for (const [ci, v] of s.values.entries()) {
      if (ci >= spec.categories.length) continue;
      const x = plot.left + ci * band + (band - groupWidth) / 2 + si * barWidth;
      if (v === null) {
        if (s.missingLabel !== undefined) rects.push(missingMark(s.missingLabel, x + barWidth / 2, zero, s.colors?.[ci] ?? items[si]!.color));
        continue;
      }
      const y = ys(v);
      const color = s.colors?.[ci] ?? items[si]!.color;
      rects.push(`<rect x="${px(x)}" y="${px(Math.min(y, zero))}" width="${px(Math.max(1, barWidth - 2))}" height="${px(Math.abs(zero - y))}" fill="${color}"><title>${escapeHtml(`${s.name} · ${spec.categories[ci]}: ${ys.format(v)}`)}</title></rect>`);
    }
  }
  return `<g class="bars">${rects.join('')}</g>`;
}

function missingMark(label: string, x: number, baseline: number, color: string): string {
  return `<text x="${px(x)}" y="${px(baseline - 8)}" text-anchor="middle" class="tick" style="fill:${color};font-weight:600">${escapeHtml(label)}</text>`;
}

/** Category labels under each band; long labels are shortened so that neighbours never overlap. */
function categoryAxis(spec: BarChartSpec, plot: Plot, band: number): string {
  const maxChars = Math.max(3, Math.floor(band / 6.6));
  const labels = spec.categories.map((c, i) => {
    const text = c.length > maxChars ? `${c.slice(0, maxChars - 1)}…` : c;
    return `<text x="${px(plot.left + (i + 0.5) * band)}" y="${px(plot.bottom + 18)}" text-anchor="middle" class="tick">${escapeHtml(text)}<title>${escapeHtml(c)}</title></text>`;
  });
  const axisLine = `<line x1="${px(plot.left)}" y1="${px(plot.bottom)}" x2="${px(plot.right)}" y2="${px(plot.bottom)}" class="axis"/>`;
  const title = `<text x="${px((plot.left + plot.right) / 2)}" y="${px(plot.bottom + 38)}" text-anchor="middle" class="axis-label">${escapeHtml(spec.xLabel)}</text>`;
  return `<g class="x-axis">${axisLine}${labels.join('')}${title}</g>`;
}

function lineOverlay(line: NonNullable<BarChartSpec['line']>, color: string, plot: Plot, band: number): string {
  const present = line.values.filter((v): v is number => v !== null);
  const ys = axisScale(line.axis, present, plot.bottom, plot.top, TICK_COUNT_Y);
  const points = line.values.flatMap((v, i) => (v === null ? [] : [[plot.left + (i + 0.5) * band, ys(v)] as const]));
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x)},${px(y)}`).join('');
  const dots = points.map(([x, y]) => `<circle cx="${px(x)}" cy="${px(y)}" r="3.5" fill="${color}"/>`).join('');
  return yAxis(ys, plot, line.axis.label, 'right') + `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>${dots}`;
}
