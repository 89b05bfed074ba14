/**
 * The shared frame of every SVG chart: scales, axes with ticks and labels, gridlines and legend.
 * Charts are plain strings of SVG with fixed geometry and coordinates rounded to 0.1 px, so that
 * the same input always gives byte-identical output.
 */
import { escapeHtml } from './escape-html.ts';
import { formatCompact, formatDurationTick, formatPercent } from './format.ts';
import { durationTicks, niceTicks } from './nice-ticks.ts';

/** 'log-duration' spreads durations over decades (100 ms … 7 d), for long-tailed completion times. */
export type AxisKind = 'number' | 'duration' | 'fraction' | 'log-duration';

export interface AxisSpec {
  label: string;
  kind: AxisKind;
  /** Forces the domain to include this value (e.g. 0). */
  min?: number;
  max?: number;
}

export interface LegendItem {
  name: string;
  color: string;
  /** 'line' draws a stroke, 'box' a filled square, 'dot' a circle. */
  mark: 'line' | 'box' | 'dot';
}

export interface Plot {
  /** Plot area in SVG pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Scale {
  (value: number): number;
  ticks: number[];
  format: (value: number) => string;
}

/** Colour-blind-friendly qualitative palette (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const CHART_WIDTH = 760;
export const CHART_HEIGHT = 340;
const TICK_COUNT_X = 8;
const TICK_COUNT_Y = 5;
const LEGEND_ROW_PX = 18;
const CHAR_PX = 6.6;

export function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** Rounds to 0.1 px and prints without trailing zeros: 12.0 → "12", 3.25 → "3.3". */
export function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Tick labels with just enough digits that neighbouring ticks never read the same. */
export function tickFormat(kind: AxisKind, stepHint = 1): (value: number) => string {
  if (kind === 'duration' || kind === 'log-duration') return formatDurationTick;
  if (kind === 'fraction') {
    const digits = Math.max(0, Math.ceil(-Math.log10(stepHint * 100) - 1e-9));
    return (v) => formatPercent(v, digits);
  }
  return formatCompact;
}

const LOG_DURATION_TICKS_MS = [100, 1_000, 10_000, 60_000, 600_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000];

/** A linear scale over the data's extent widened to whole ticks, mapped onto [from, to] px. */
export function axisScale(spec: AxisSpec, values: readonly number[], from: number, to: number, count: number): Scale {
  if (spec.kind === 'log-duration') return logDurationScale(values, from, to);
  const finite = values.filter((v) => Number.isFinite(v));
  const lo = Math.min(spec.min ?? Infinity, ...finite);
  const hi = Math.max(spec.max ?? -Infinity, ...finite);
  const [min, max] = Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : [0, 1];
  const ticks = spec.kind === 'duration' ? durationTicks(min, max, count) : niceTicks(min, max, count);
  const d0 = ticks[0] as number;
  const d1 = ticks[ticks.length - 1] as number;
  const scale = ((v: number) => from + ((v - d0) / (d1 - d0)) * (to - from)) as Scale;
  scale.ticks = ticks;
  scale.format = tickFormat(spec.kind, ticks.length > 1 ? (ticks[1] as number) - d0 : 1);
  return scale;
}

/** Log scale over the decade-like ticks that cover the positive data; values ≤ the first tick sit on it. */
function logDurationScale(values: readonly number[], from: number, to: number): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = positive.length === 0 ? 1_000 : Math.min(...positive);
  const hi = positive.length === 0 ? 60_000 : Math.max(...positive);
  const first = [...LOG_DURATION_TICKS_MS].reverse().find((t) => t <= lo) ?? LOG_DURATION_TICKS_MS[0] as number;
  const last = LOG_DURATION_TICKS_MS.find((t) => t >= hi) ?? LOG_DURATION_TICKS_MS[LOG_DURATION_TICKS_MS.length - 1] as number;
  const ticks = LOG_DURATION_TICKS_MS.filter((t) => t >= first && t <= Math.max(last, first * 10));
  const l0 = Math.log10(ticks[0] as number);
  const l1 = Math.log10(ticks[ticks.length - 1] as number);
  const scale = ((v: number) => from + ((Math.log10(Math.max(v, ticks[0] as number)) - l0) / (l1 - l0)) * (to - from)) as Scale;
  scale.ticks = ticks;
  scale.format = formatDurationTick;
  return scale;
}

/** Lays out the legend in rows above the plot; returns its SVG and the height it takes. */
export function legend(items: readonly LegendItem[], left: number, top: number, width: number): { svg: string; height: number } {
  if (items.length <= 1) return { svg: '', height: 0 };
  const parts: string[] = [];
  let x = left;
  let y = top;
  for (const item of items) {
    const itemWidth = 22 + item.name.length * CHAR_PX + 14;
    if (x + itemWidth > left + width && x > left) {
      x = left;
      y += LEGEND_ROW_PX;
    }
    parts.push(legendMark(item, x, y) + `<text x="${px(x + 20)}" y="${px(y + 4)}" class="legend">${escapeHtml(item.name)}</text>`);
    x += itemWidth;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: y - top + LEGEND_ROW_PX };
}

function legendMark(item: LegendItem, x: number, y: number): string {
  if (item.mark === 'line') return `<line x1="${px(x)}" y1="${px(y)}" x2="${px(x + 14)}" y2="${px(y)}" stroke="${item.color}" stroke-width="2.5"/>`;
  if (item.mark === 'dot') return `<circle cx="${px(x + 7)}" cy="${px(y)}" r="4" fill="${item.color}"/>`;
  return `<rect x="${px(x + 1)}" y="${px(y - 6)}" width="12" height="12" fill="${item.color}"/>`;
}

/** Horizontal gridlines with y tick labels on the left, and the y axis label rotated. */
export function yAxis(scale: Scale, plot: Plot, label: string, side: 'left' | 'right' = 'left'): string {
  const x = side === 'left' ? plot.left : plot.right;
  const anchor = side === 'left' ? 'end' : 'start';
  const dx = side === 'left' ? -6 : 6;
  const grid = side === 'left';
  const ticks = scale.ticks.map((t) => {
    const y = px(scale(t));
    const line = grid ? `<line x1="${px(plot.left)}" y1="${y}" x2="${px(plot.right)}" y2="${y}" class="grid"/>` : '';
    return `${line}<text x="${px(x + dx)}" y="${y}" dy="0.32em" text-anchor="${anchor}" class="tick">${escapeHtml(scale.format(t))}</text>`;
  });
  const lx = side === 'left' ? 14 : CHART_WIDTH - 6;
  const ly = (plot.top + plot.bottom) / 2;
  const title = `<text transform="translate(${px(lx)},${px(ly)}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeHtml(label)}</text>`;
  return `<g class="y-axis">${ticks.join('')}${title}</g>`;
}

/** The x axis line with tick marks, tick labels and the axis label centred below. */
export function xAxis(scale: Scale, plot: Plot, label: string): string {
  const ticks = scale.ticks.map((t) => {
    const x = px(scale(t));
    return `<line x1="${x}" y1="${px(plot.bottom)}" x2="${x}" y2="${px(plot.bottom + 5)}" class="axis"/>` +
      `<text x="${x}" y="${px(plot.bottom + 18)}" text-anchor="middle" class="tick">${escapeHtml(scale.format(t))}</text>`;
  });
  const axisLine = `<line x1="${px(plot.left)}" y1="${px(plot.bottom)}" x2="${px(plot.right)}" y2="${px(plot.bottom)}" class="axis"/>`;
  const title = `<text x="${px((plot.left + plot.right) / 2)}" y="${px(plot.bottom + 38)}" text-anchor="middle" class="axis-label">${escapeHtml(label)}</text>`;
  return `<g class="x-axis">${axisLine}${ticks.join('')}${title}</g>`;
}

/** Wraps chart content in an accessible, self-contained <svg> element with its own styles. */
export function svgDocument(title: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${px(height)}" width="${CHART_WIDTH}" height="${px(height)}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${SVG_STYLE}${body}</svg>`;
}

export const SVG_STYLE = '<style>' +
  'text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:#333}' +
  '.tick{font-size:11px;fill:#555}.axis-label{font-size:12px;font-weight:600;fill:#333}' +
  '.legend{font-size:12px}.grid{stroke:#e6e6e6;stroke-width:1}.axis{stroke:#888;stroke-width:1}' +
  '.empty{font-size:13px;fill:#888}' +
  '</style>';

export { TICK_COUNT_X, TICK_COUNT_Y, LEGEND_ROW_PX };
