import { h, svg } from './dom.js';

export interface BarPoint {
  label: string;
  value: number;
  /** What a pointer over the bar shows. */
  title: string;
}

/** A bar chart as SVG, labelled at both ends, with its numbers in the accessible name and the caption. */
export function barChart(points: BarPoint[], text: { ariaLabel: string; caption: string }): HTMLElement {
  const max = Math.max(1, ...points.map((p) => p.value));
  const width = 600;
  const height = 160;
  const bar = width / Math.max(1, points.length);
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${width} ${height + 20}`, class: 'chart', role: 'img', 'aria-label': text.ariaLabel },
    svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }),
    ...points.map((p, i) => {
      const barHeight = (Math.max(0, p.value) / max) * (height - 10);
      const rect = svg('rect', { x: i * bar + 1, y: height - barHeight, width: Math.max(1, bar - 2), height: barHeight, class: 'bar' });
      rect.append(svg('title', {}, document.createTextNode(p.title)));
      return rect;
    }),
    ...(points.length
      ? [
          svg('text', { x: 0, y: height + 16, class: 'label' }, document.createTextNode(points[0]!.label)),
          svg('text', { x: width, y: height + 16, class: 'label end' }, document.createTextNode(points.at(-1)!.label)),
        ]
      : []),
  );
  return h('figure', { class: 'chart-wrap' }, chart as unknown as HTMLElement, h('figcaption', {}, text.caption));
}
