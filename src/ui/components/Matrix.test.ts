import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Matrix, type MatrixProps } from './Matrix';

const props = (over: Partial<MatrixProps> = {}): MatrixProps => ({
  counts: [8, 2, 1, 9],
  k: 2,
  names: ['cat', 'dog'],
  mode: 'counts',
  caption: 'test matrix',
  corner: 'true ↓ / predicted →',
  describe: (i, j) => `${i}→${j}`,
  unit: 'images',
  testId: 'confusion-matrix',
  ...over,
});

const cells = (html: string) =>
  [...html.matchAll(/<td [^>]*data-count="(\d+)"[^>]*>([^<]*)<\/td>/g)].map((m) => ({ count: Number(m[1]), text: m[2] }));

describe('Matrix', () => {
  it('one keyboard-reachable cell per (row, column) with its count as text and a tooltip with count and row rate', () => {
    const html = renderToStaticMarkup(createElement(Matrix, props({ onSelect: () => {} })));
    expect(cells(html)).toEqual([
      { count: 8, text: '8' },
      { count: 2, text: '2' },
      { count: 1, text: '1' },
      { count: 9, text: '9' },
    ]);
    expect(html).toContain('title="1→0: 1 of 10 images (10.00%)"');
    // Roving tab index: exactly one cell in the tab order.
    expect(html.match(/tabindex="0"/g)).toHaveLength(1);
    expect(html.match(/tabindex="-1"/g)).toHaveLength(3);
    expect(html).toContain('role="grid"');
  });

  it('row-normalised shows each row as shares; hiding the diagonal blanks it and gives the rest the whole colour scale', () => {
    const rates = cells(renderToStaticMarkup(createElement(Matrix, props({ mode: 'rates' }))));
    expect(rates.map((c) => c.text)).toEqual(['80.0%', '20.0%', '10.0%', '90.0%']);
    const hidden = renderToStaticMarkup(createElement(Matrix, props({ hideDiagonal: true })));
    expect(cells(hidden).map((c) => c.text)).toEqual(['·', '2', '1', '·']);
    // The largest off-diagonal count (2) gets the darkest colour (white text on it).
    expect(hidden).toMatch(/data-count="2"[^>]*style="background:rgb\(8, 48, 107\);color:#ffffff"/);
  });
});
