// Minimal SVG charts (grouped bars and log-log lines) for benchmark summaries that a person can open.

/** Series is one named set of values, one per category (bars) or per x value (lines). */
export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

/** BarChart describes grouped bars over categories. */
export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly logScale?: boolean;
}

/** LineChart describes lines over numeric x values (both axes logarithmic). */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: readonly number[];
  readonly series: readonly Series[];
}

const COLORS = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#c53030', '#319795', '#b7791f', '#4a5568'];
const WIDTH = 880;
const HEIGHT = 440;
const MARGIN = { top: 48, right: 180, bottom: 96, left: 90 };

/** barChartSvg renders grouped bars; with logScale the y axis is logarithmic (values must be > 0). */
export function barChartSvg(chart: BarChart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = chart.series.flatMap((s) => s.values).filter((v) => v > 0);
  const scale = chart.logScale ? logAxis(Math.min(...all), Math.max(...all)) : linearAxis(Math.max(...all, 0));
  const y = (v: number) => MARGIN.top + plotH * (1 - scale.position(v));
  const groupW = plotW / Math.max(1, chart.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, chart.series.length);
  const parts: string[] = [header(chart.title), ...yTicks(scale, y, chart.unit)];
  chart.categories.forEach((category, ci) => {
    const x0 = MARGIN.left + ci * groupW + groupW * 0.1;
    chart.series.forEach((series, si) => {
      const value = series.values[ci] ?? 0;
      if (!(value > 0) && chart.logScale) return;
      const top = y(value);
      parts.push(
        `<rect x="${fmt(x0 + si * barW)}" y="${fmt(top)}" width="${fmt(barW - 1)}" height="${fmt(MARGIN.top + plotH - top)}" fill="${COLORS[si % COLORS.length]}"><title>${escape(series.name)}, ${escape(category)}: ${value.toLocaleString('en-US')} ${escape(chart.unit)}</title></rect>`,
      );
    });
    const cx = MARGIN.left + ci * groupW + groupW / 2;
    parts.push(`<text x="${fmt(cx)}" y="${HEIGHT - MARGIN.bottom + 14}" font-size="11" text-anchor="end" transform="rotate(-30 ${fmt(cx)} ${HEIGHT - MARGIN.bottom + 14})">${escape(category)}</text>`);
  });
  parts.push(...legend(chart.series.map((s) => s.name)));
  return wrap(parts);
}

/** lineChartSvg renders one line per series over x, with logarithmic axes. */
export function lineChartSvg(chart: LineChart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ys = chart.series.flatMap((s) => s.values).filter((v) => v > 0);
  const xAxis = logAxis(Math.min(...chart.x), Math.max(...chart.x));
  const yAxis = logAxis(Math.min(...ys), Math.max(...ys));
  const px = (v: number) => MARGIN.left + plotW * xAxis.position(v);
  const py = (v: number) => MARGIN.top + plotH * (1 - yAxis.position(v));
  const parts: string[] = [header(chart.title), ...yTicks(yAxis, py, chart.yLabel)];
  for (const tick of chart.x) {
    parts.push(`<text x="${fmt(px(tick))}" y="${HEIGHT - MARGIN.bottom + 16}" font-size="11" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - MARGIN.bottom + 36}" font-size="12" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  chart.series.forEach((series, si) => {
    // Values that are missing (NaN) or not positive are left out: a series may cover only some x values.
    const known = chart.x.flatMap((x, i) => {
      const value = series.values[i] ?? NaN;
      return value > 0 ? [[px(x), py(value)] as const] : [];
    });
    const points = known.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
    const dash = series.name.includes('ship-all') ? ' stroke-dasharray="6 4"' : '';
    const color = COLORS[si % COLORS.length];
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${dash}><title>${escape(series.name)}</title></polyline>`);
    if (known.length < 3) for (const [x, y] of known) parts.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="4" fill="${color}"/>`);
  });
  parts.push(...legend(chart.series.map((s) => s.name)));
  return wrap(parts);
}

interface Axis {
  readonly min: number;
  readonly max: number;
  position(value: number): number;
  ticks(): number[];
}

function linearAxis(max: number): Axis {
  const top = max > 0 ? niceCeiling(max) : 1;
  return {
    min: 0,
    max: top,
    position: (v) => v / top,
    ticks: () => [0, 0.25, 0.5, 0.75, 1].map((f) => f * top),
  };
}

function logAxis(min: number, max: number): Axis {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-12)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-12))));
  return {
    min: 10 ** lo,
    max: 10 ** hi,
    position: (v) => (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo),
    ticks: () => Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)),
  };
}

function niceCeiling(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

function yTicks(axis: Axis, y: (v: number) => number, unit: string): string[] {
  const out: string[] = [];
  for (const tick of axis.ticks()) {
    const ty = y(tick);
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fmt(ty)}" y2="${fmt(ty)}" stroke="#e2e8f0"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${fmt(ty + 4)}" font-size="11" text-anchor="end">${shortNumber(tick)}</text>`);
  }
  out.push(`<text x="16" y="${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2}" font-size="12" transform="rotate(-90 16 ${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2})" text-anchor="middle">${escape(unit)}</text>`);
  return out;
}

function legend(names: readonly string[]): string[] {
  return names.map((name, i) => {
    const y = MARGIN.top + i * 18;
    const x = WIDTH - MARGIN.right + 16;
    return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 18}" y="${y + 10}" font-size="12">${escape(name)}</text>`;
  });
}

function header(title: string): string {
  return `<text x="${WIDTH / 2}" y="26" font-size="16" font-weight="bold" text-anchor="middle">${escape(title)}</text>`;
}

function wrap(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

function shortNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  if (abs >= 1 || abs === 0) return `${+v.toPrecision(3)}`;
  if (abs >= 1e-3) return `${+(v * 1e3).toPrecision(3)}m`;
  return `${+(v * 1e6).toPrecision(3)}µ`;
}

function fmt(n: number): string {
  return n.toFixed(1);
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
