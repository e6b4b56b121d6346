/**
 * Charts as files for slides: a recharts chart (an SVG plus an HTML legend, recharts' or ours) becomes one standalone SVG
 * with its title on top and its legend drawn below, or a PNG of that SVG at twice the size on white.
 */
import { downloadFile } from './download';

const NS = 'http://www.w3.org/2000/svg';
const TITLE_H = 30;
const LEGEND_ROW_H = 22;

export interface ChartImage {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

/** Visible text of a figure's caption without its controls (selects, buttons). */
export function captionOf(figure: Element): string {
  const caption = figure.querySelector('figcaption');
  if (!caption) return 'chart';
  const copy = caption.cloneNode(true) as Element;
  // Controls are not part of the title, nor the labels that name them ("y axis [auto]").
  copy.querySelectorAll('label:has(select, button, input), select, button, input, .no-export').forEach((e) => e.remove());
  return (
    (copy.textContent ?? '')
      .replace(/\s+/g, ' ')
      .replace(/\s*·\s*$/, '')
      .trim() || 'chart'
  );
}

/** The figure's chart as a standalone SVG document (title, plot, legend), or null when it has none. */
export function chartSvg(figure: Element, title = captionOf(figure)): ChartImage | null {
  const plot = figure.querySelector('.recharts-wrapper > svg');
  if (!(plot instanceof SVGSVGElement)) return null;
  const box = plot.getBoundingClientRect();
  const width = Math.round(box.width);
  const plotHeight = Math.round(box.height);
  const rows = legendRows(figure, width);
  const legendHeight = rows[0]!.length ? rows.length * LEGEND_ROW_H + 8 : 0;
  const height = TITLE_H + plotHeight + legendHeight;
  const font = getComputedStyle(figure).fontFamily || 'system-ui, sans-serif';

  const root = document.createElementNS(NS, 'svg');
  root.setAttribute('xmlns', NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('font-family', font);
  root.setAttribute('font-size', '12');
  const bg = document.createElementNS(NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  root.appendChild(bg);
  const heading = document.createElementNS(NS, 'text');
  heading.setAttribute('x', '12');
  heading.setAttribute('y', '20');
  heading.setAttribute('font-size', '15');
  heading.setAttribute('font-weight', '600');
  heading.setAttribute('fill', '#1b1f24');
  heading.textContent = title;
  root.appendChild(heading);
  const body = plot.cloneNode(true) as SVGSVGElement;
  body.setAttribute('x', '0');
  body.setAttribute('y', String(TITLE_H));
  body.setAttribute('width', String(width));
  body.setAttribute('height', String(plotHeight));
  body.removeAttribute('style');
  body.removeAttribute('role');
  body.removeAttribute('tabindex');
  // Tooltips and hover cursors are not part of a picture.
  body.querySelectorAll('.recharts-tooltip-cursor, .recharts-active-dot').forEach((e) => e.remove());
  root.appendChild(body);
  appendLegend(root, rows, TITLE_H + plotHeight + 8);
  return { svg: new XMLSerializer().serializeToString(root), width, height };
}

type LegendRow = { text: string; color: string; x: number }[];

/** The figure's legend entries (text and colour), flowed into rows that fit `width`. */
function legendRows(figure: Element, width: number): LegendRow[] {
  // The metric charts' own legend (colour in data-color) or recharts' (colour on the entry's mark).
  const items = Array.from(figure.querySelectorAll('.chart-legend-item, .recharts-legend-item')).map((li) => {
    const mark = li.querySelector('path, line, rect');
    const color =
      li.getAttribute('data-color') ??
      (mark?.getAttribute('stroke') && mark.getAttribute('stroke') !== 'none'
        ? mark.getAttribute('stroke')!
        : (mark?.getAttribute('fill') ?? '#333'));
    return { text: (li.textContent ?? '').trim(), color };
  });
  // Legend entries flow left to right, wrapping at the plot's width (an estimate of text width).
  const rows: LegendRow[] = [[]];
  let x = 12;
  for (const item of items) {
    const w = 26 + item.text.length * 7;
    if (x + w > width && rows.at(-1)!.length) {
      rows.push([]);
      x = 12;
    }
    rows.at(-1)!.push({ ...item, x });
    x += w;
  }
  return rows;
}

/** Draws the legend rows (a coloured line and the text per entry) into `root`, from `top` down. */
function appendLegend(root: Element, rows: readonly LegendRow[], top: number): void {
  rows.forEach((row, r) => {
    const y = top + r * LEGEND_ROW_H + LEGEND_ROW_H / 2;
    for (const item of row) {
      const line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', String(item.x));
      line.setAttribute('x2', String(item.x + 18));
      line.setAttribute('y1', String(y));
      line.setAttribute('y2', String(y));
      line.setAttribute('stroke', item.color);
      line.setAttribute('stroke-width', '3');
      root.appendChild(line);
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', String(item.x + 24));
      label.setAttribute('y', String(y + 4));
      label.setAttribute('fill', '#1b1f24');
      label.textContent = item.text;
      root.appendChild(label);
    }
  });
}

/** A PNG of the chart at `scale` × its on-screen size. */
export async function chartPng(image: ChartImage, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([image.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A file name from a chart's title without its live readouts: "Loss (cross-entropy) · train 0.75" → "…-loss-cross-entropy.png". */
export function chartFileName(title: string, ext: 'png' | 'svg'): string {
  const slug =
    (title.split(' · ')[0] ?? title)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'chart';
  return `cnn-playground-${slug}.${ext}`;
}

/** Downloads the figure's chart as PNG or SVG. Throws with a message when it has no chart. */
export async function exportChart(figure: Element, format: 'png' | 'svg'): Promise<void> {
  const title = captionOf(figure);
  const image = chartSvg(figure, title);
  if (!image) throw new Error('This chart has nothing drawn yet.');
  if (format === 'svg') {
    downloadFile(chartFileName(title, 'svg'), image.svg, 'image/svg+xml');
    return;
  }
  const png = await chartPng(image);
  downloadFile(chartFileName(title, 'png'), png, 'image/png');
}
