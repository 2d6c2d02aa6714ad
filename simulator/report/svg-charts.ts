/** One line (or bar series) of a chart. */
export interface ChartSeries {
  name: string;
  color: string;
  /** null where nothing was measured: the line breaks there (a gap, never a drop to 0). */
  values: Array<number | null>;
}

/** A chart request: x values shared by every series. */
export interface ChartSpec {
  id: string;
  /** Which chart this is (`throughput`, `latency`, ...), the same in every panel. */
  chart?: string;
  title: string;
  xs: number[];
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  kind: 'line' | 'bar';
  /** Custom x tick labels (e.g. percentiles on a log axis). */
  xTicks?: Array<{ x: number; label: string }>;
  /** Shaded x ranges with a label (a scenario's faults); from == to draws a labelled line at a moment. */
  bands?: Array<{ from: number; to: number; label: string }>;
}

/** Adjacent fault windows (resets, then 503s) get different shades so their boundary shows. */
const BAND_COLORS = ['#f59e0b', '#ef4444', '#3b82f6'];

const W = 720;
const H = 260;
const PAD = { left: 60, right: 16, top: 28, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A rounded axis maximum and tick step. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * Renders a self-contained inline SVG chart (no script, no external asset), so report.html opens anywhere
 * and a headless browser can assert that every chart drew its data.
 */
export function renderChart(spec: ChartSpec): string {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const xMin = Math.min(...spec.xs, 0);
  // Bars stand to the right of their bucket's start, so a bar chart's axis runs one bucket past the last start.
  const bucket = spec.xs.length > 1 ? spec.xs[1]! - spec.xs[0]! : 1;
  const xMax = Math.max(...spec.xs, xMin + 1) + (spec.kind === 'bar' ? bucket : 0);
  const yMax = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))));
  const { top, step } = niceScale(yMax);
  const x = (v: number) => PAD.left + ((v - xMin) / (xMax - xMin)) * innerW;
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const parts: string[] = [];
  parts.push(`<text x="${PAD.left}" y="18" class="title">${esc(spec.title)}</text>`);
  for (let v = 0; v <= top + 1e-9; v += step) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" class="tick" text-anchor="end">${+v.toFixed(3)}</text>`);
  }
  const ticks =
    spec.xTicks ??
    Array.from({ length: 6 }, (_, i) => {
      const v = xMin + ((xMax - xMin) * i) / 5;
      return { x: v, label: String(+v.toFixed(1)) };
    });
  for (const t of ticks) parts.push(`<text x="${x(t.x).toFixed(1)}" y="${H - PAD.bottom + 16}" class="tick" text-anchor="middle">${esc(t.label)}</text>`);
  parts.push(`<text x="${PAD.left + innerW / 2}" y="${H - 8}" class="axis" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${PAD.top + innerH / 2}" class="axis" text-anchor="middle" transform="rotate(-90 14 ${PAD.top + innerH / 2})">${esc(spec.yLabel)}</text>`,
  );
  // Fault windows go under the data: shaded, labelled at the top, clipped to the plot.
  (spec.bands ?? []).forEach((band, k) => {
    const x1 = x(Math.max(xMin, Math.min(xMax, band.from)));
    const x2 = x(Math.max(xMin, Math.min(xMax, band.to)));
    const labelY = PAD.top + 11 + (k % 3) * 12;
    if (x2 - x1 < 1)
      parts.push(
        `<line class="fault" x1="${x1.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + innerH}" stroke="#9333ea" stroke-dasharray="4 3"/>`,
      );
    else
      parts.push(
        `<rect class="fault" x="${x1.toFixed(1)}" y="${PAD.top}" width="${(x2 - x1).toFixed(1)}" height="${innerH}" fill="${BAND_COLORS[k % BAND_COLORS.length]}" fill-opacity="0.16"/>`,
      );
    parts.push(`<text class="fault-label" x="${(x1 + 3).toFixed(1)}" y="${labelY}" fill="#92400e">${esc(band.label)}</text>`);
  });
  const n = spec.xs.length;
  spec.series.forEach((s, k) => {
    if (spec.kind === 'bar') {
      const bw = Math.max(1, innerW / Math.max(n, 1) / spec.series.length - 1);
      const rects = s.values
        .map((v, i) =>
          v !== null && v > 0
            ? `<rect x="${(x(spec.xs[i]!) + k * bw).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}"/>`
            : '',
        )
        .join('');
      parts.push(
        `<g class="series" data-series="${esc(s.name)}" data-points="${s.values.filter((v) => v !== null && v > 0).length}" fill="${s.color}">${rects}</g>`,
      );
    } else {
      // One path with a move (M) after every gap: unmeasured buckets break the line instead of drawing it at 0.
      let d = '';
      let pen = false;
      let points = 0;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        const next = s.values[i + 1];
        const alone = !pen && (next === null || next === undefined || !Number.isFinite(next));
        // A measured bucket between two gaps is a short tick, so it shows without bridging the gaps.
        d += alone ? `M${(x(spec.xs[i]!) - 2).toFixed(1)},${y(v).toFixed(1)}h4` : `${pen ? 'L' : 'M'}${x(spec.xs[i]!).toFixed(1)},${y(v).toFixed(1)}`;
        pen = !alone;
        points++;
      });
      parts.push(
        `<path class="series" data-series="${esc(s.name)}" data-points="${points}" data-gaps="${s.values.filter((v) => v === null).length}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" d="${d}"/>`,
      );
    }
    parts.push(
      `<rect x="${W - PAD.right - 150}" y="${8 + k * 14}" width="10" height="10" fill="${s.color}"/><text x="${W - PAD.right - 136}" y="${17 + k * 14}" class="tick">${esc(s.name)}</text>`,
    );
  });
  return `<svg id="${esc(spec.id)}" class="chart"${spec.chart ? ` data-chart="${esc(spec.chart)}"` : ''} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">${parts.join('')}</svg>`;
}
