import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { captionOf, exportChart } from '../chartExport';
import { errorText } from '../../core/errorText';

/** PNG and SVG buttons for the chart in `figure` (a `figure` with a recharts chart inside). */
export function ChartExportButtons({ figure, name }: { figure: RefObject<Element | null>; name: string }) {
  const [error, setError] = useState<string | null>(null);
  const save = (format: 'png' | 'svg') => {
    if (!figure.current) return;
    setError(null);
    exportChart(figure.current, format).catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <span className="chart-export no-export">
      <button
        type="button"
        className="small"
        onClick={() => save('png')}
        aria-label={`Save ${name} as PNG`}
        title="Save as a PNG image (for slides)"
        data-testid="chart-export-png"
      >
        PNG
      </button>
      <button
        type="button"
        className="small"
        onClick={() => save('svg')}
        aria-label={`Save ${name} as SVG`}
        title="Save as an SVG vector image"
        data-testid="chart-export-svg"
      >
        SVG
      </button>
      {error && (
        <span className="field-error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * Wraps chart components from outside: a "Save chart" bar for every `figure.chart` inside (found as
 * they appear), so the charts themselves need no export code.
 */
export function ChartExportFrame({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [titles, setTitles] = useState<string[]>([]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const next = Array.from(el.querySelectorAll('figure.chart')).map((f) => captionOf(f).split(' · ')[0]!);
      setTitles((prev) => (prev.join('\n') === next.join('\n') ? prev : next));
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(el, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  const [error, setError] = useState<string | null>(null);
  const save = (index: number, format: 'png' | 'svg') => {
    const figure = ref.current?.querySelectorAll('figure.chart')[index];
    if (!figure) return;
    setError(null);
    exportChart(figure, format).catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <div ref={ref} className="chart-export-frame">
      {children}
      {titles.length > 0 && (
        <p className="chart-export-bar hint" data-testid="chart-export-bar">
          Save for slides:{' '}
          {titles.map((t, i) => (
            <span key={`${t}-${i}`} className="chart-export-item">
              {t}{' '}
              <button
                type="button"
                className="small"
                onClick={() => save(i, 'png')}
                data-testid={`export-chart-${i}-png`}
                aria-label={`Save ${t} chart as PNG`}
              >
                PNG
              </button>
              <button
                type="button"
                className="small"
                onClick={() => save(i, 'svg')}
                data-testid={`export-chart-${i}-svg`}
                aria-label={`Save ${t} chart as SVG`}
              >
                SVG
              </button>
            </span>
          ))}
          {error && (
            <span className="field-error" role="alert">
              {' '}
              {error}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
