/** Line, step and scatter charts over two numeric axes, rendered as a self-contained SVG string. */
import { axisScale, CHART_HEIGHT, CHART_WIDTH, colorAt, legend, px, svgDocument, TICK_COUNT_X, TICK_COUNT_Y, xAxis, yAxis } from './chart-frame.ts';
import type { AxisSpec, Plot, Scale } from './chart-frame.ts';

export type Point = readonly [x: number, y: number];

export interface LineSeries {
  name: string;
  points: readonly Point[];
  color?: string;
}

export interface LineChartSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: readonly LineSeries[];
  /** 'line' joins points, 'step' holds each value until the next x (CDFs, counters), 'markers' is a scatter. */
  mode?: 'line' | 'step' | 'markers';
  /** Draws the reference line y = x (e.g. actual share against fair share). */
  diagonal?: boolean;
}

const MARGIN = { left: 68, right: 24, top: 10, bottom: 50 };

/** "M x0,y0 L x1,y1 …" (or horizontal-then-vertical steps) for points already sorted by x. */
export function linePath(points: readonly Point[], xs: (v: number) => number, ys: (v: number) => number, step = false): string {
  let d = '';
  for (const [i, [x, y]] of points.entries()) {
    if (i === 0) d += `M${px(xs(x))},${px(ys(y))}`;
    else if (step) d += `H${px(xs(x))}V${px(ys(y))}`;
    else d += `L${px(xs(x))},${px(ys(y))}`;
  }
  return d;
}

export function lineChart(spec: LineChartSpec): string {
  const mode = spec.mode ?? 'line';
  const items = spec.series.map((s, i) => ({ name: s.name, color: s.color ?? colorAt(i), mark: mode === 'markers' ? 'dot' as const : 'line' as const }));
  const top = legend(items, MARGIN.left, MARGIN.top + 6, CHART_WIDTH - MARGIN.left - MARGIN.right);
  const plot: Plot = { left: MARGIN.left, right: CHART_WIDTH - MARGIN.right, top: MARGIN.top + top.height + 8, bottom: CHART_HEIGHT + top.height - MARGIN.bottom };
  const all = spec.series.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(spec.title, plot, top.height);
  const xs = axisScale(spec.x, all.map((p) => p[0]), plot.left, plot.right, TICK_COUNT_X);
  const ys = axisScale(spec.y, all.map((p) => p[1]), plot.bottom, plot.top, TICK_COUNT_Y);
  const marks = spec.series.map((s, i) => seriesMarks(s, items[i]!.color, mode, xs, ys, i)).join('');
  const body = yAxis(ys, plot, spec.y.label) + (spec.diagonal ? diagonal(xs, ys) : '') + marks + xAxis(xs, plot, spec.x.label) + top.svg;
  return svgDocument(spec.title, CHART_HEIGHT + top.height, body);
}

function seriesMarks(series: LineSeries, color: string, mode: 'line' | 'step' | 'markers', xs: Scale, ys: Scale, index: number): string {
  if (mode === 'markers') {
    // Later series get smaller dots, so that where policies agree every colour still shows.
    const r = px(Math.max(2, 5 - 1.25 * index));
    const dots = series.points.map(([x, y]) => `<circle cx="${px(xs(x))}" cy="${px(ys(y))}" r="${r}"/>`).join('');
    return `<g fill="${color}" fill-opacity="0.8">${dots}</g>`;
  }
  const d = linePath(series.points, xs, ys, mode === 'step');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`;
}

/** The y = x reference line, clipped to the part of it inside both domains. */
function diagonal(xs: Scale, ys: Scale): string {
  const lo = Math.max(xs.ticks[0]!, ys.ticks[0]!);
  const hi = Math.min(xs.ticks[xs.ticks.length - 1]!, ys.ticks[ys.ticks.length - 1]!);
  if (hi <= lo) return '';
  return `<line x1="${px(xs(lo))}" y1="${px(ys(lo))}" x2="${px(xs(hi))}" y2="${px(ys(hi))}" stroke="#999" stroke-dasharray="5 4"/>`;
}

export function emptyChart(title: string, plot: Plot, extraHeight: number): string {
  const body = `<rect x="${px(plot.left)}" y="${px(plot.top)}" width="${px(plot.right - plot.left)}" height="${px(plot.bottom - plot.top)}" fill="#fafafa" stroke="#e6e6e6"/>` +
    `<text x="${px((plot.left + plot.right) / 2)}" y="${px((plot.top + plot.bottom) / 2)}" text-anchor="middle" class="empty">No data</text>`;
  return svgDocument(title, CHART_HEIGHT + extraHeight, body);
}
