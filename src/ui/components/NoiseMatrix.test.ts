import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { addLabelNoise } from '../../core/data/labelNoise';
import { createRng } from '../../core/rng';
import { NoiseMatrix } from './NoiseMatrix';

describe('NoiseMatrix', () => {
  const labels = Uint8Array.from({ length: 2000 }, (_, i) => i % 10);
  const { report } = addLabelNoise(
    labels,
    Uint32Array.from({ length: 2000 }, (_, i) => i),
    0.4,
    10,
    createRng(1),
  );

  it('renders the row-normalised matrix as text, with class names and the realised rate', () => {
    const html = renderToStaticMarkup(
      createElement(NoiseMatrix, { report, classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] }),
    );
    expect(html).toContain('data-testid="noise-matrix"');
    expect(html).toContain(`${report.flipped} of 2,000 training labels changed`);
    expect(html).toContain('<th scope="row" title="seven">seven</th>');
    // 10 rows × 10 cells, each a percentage; each row sums to 100 %.
    const rows = [...html.matchAll(/<tr><th scope="row"[^>]*>[^<]*<\/th>(.*?)<\/tr>/g)].map((m) =>
      [...m[1]!.matchAll(/>([\d.]+)%<\/td>/g)].map((c) => Number(c[1])),
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row).toHaveLength(10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    }
    const diagonal = rows.map((r, i) => r[i]!);
    expect(Math.min(...diagonal)).toBeGreaterThan(45);
    expect(Math.max(...diagonal)).toBeLessThan(75);
  });

  it('renders nothing without label noise', () => {
    expect(renderToStaticMarkup(createElement(NoiseMatrix, { report: null }))).toBe('');
  });
});
