import { useCallback, useEffect, useRef, type PointerEvent, type RefObject } from 'react';
import { mnistStyle, MNIST_SIZE } from '../../core/inspect/drawing';
import { paintImage } from '../canvas';
import { useInspect } from '../inspectStore';
import { predictDrawing, showFeatureMapsOf } from '../inspectClient';
import { useStore } from '../store';
import { nameOf, ProbabilityBars } from './InspectParts';

/** Drawing resolution; the canvas is shown smaller and scaled, strokes are in these units. */
const SIZE = 280;
const STROKE = 20;
/** While a stroke goes on, the prediction is refreshed at most this often. */
const LIVE_MS = 120;

/**
 * A drawing pad (mouse, touch, pen via pointer events) whose image goes through the MNIST
 * preprocessing (bounding box → 20×20, centred by centre of mass in 28×28) and then, in the worker,
 * through the run's own normalisation, into the current model — also while it trains.
 */
export function DrawPad() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const previewRef = useRef<HTMLCanvasElement>(null);
  const drawn = useInspect((s) => s.drawn);
  const { onDown, onMove, onUp, clear } = usePointerDrawing(canvasRef);

  useEffect(() => {
    if (previewRef.current && drawn)
      paintImage(previewRef.current, { count: 1, height: MNIST_SIZE, width: MNIST_SIZE, channels: 1, pixels: drawn }, 0);
  }, [drawn]);

  return (
    <div className="draw">
      <div className="draw-pad">
        <canvas
          ref={canvasRef}
          width={SIZE}
          height={SIZE}
          className="draw-canvas"
          data-testid="draw-canvas"
          aria-label="Drawing pad: draw a digit with the mouse, a finger or a pen"
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={onUp}
        />
        <div className="draw-side">
          <button type="button" onClick={clear} data-testid="draw-clear" disabled={!drawn}>
            Clear
          </button>
          <figure className="draw-preview">
            <canvas
              ref={previewRef}
              className="pixelated"
              style={{ width: 84, height: 84, visibility: drawn ? 'visible' : 'hidden' }}
              role="img"
              aria-label="Your drawing as the network gets it (28×28)"
            />
            <figcaption className="hint">what the network gets (28×28, MNIST-style)</figcaption>
          </figure>
          <button type="button" onClick={() => showFeatureMapsOf({ kind: 'drawn' })} disabled={!drawn}>
            Its feature maps
          </button>
        </div>
      </div>
      <DrawResult drawn={drawn !== null} />
    </div>
  );
}

type Point = { x: number; y: number };

/**
 * Strokes drawn on the canvas with pointer events (coalesced moves, pen pressure), and the drawing
 * sent for a prediction: at most every LIVE_MS while a stroke goes on, and at once when it ends.
 */
function usePointerDrawing(canvasRef: RefObject<HTMLCanvasElement | null>) {
  const stroke = useRef<Point | null>(null);
  const lastSent = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const update = useCallback(() => {
    timer.current = null;
    lastSent.current = performance.now();
    const ctx = canvasRef.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const rgba = ctx.getImageData(0, 0, SIZE, SIZE).data;
    const ink = new Uint8Array(SIZE * SIZE);
    for (let p = 0; p < ink.length; p++) ink[p] = rgba[p * 4 + 3]!;
    predictDrawing(mnistStyle(ink, SIZE, SIZE));
  }, [canvasRef]);

  const schedule = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(0, LIVE_MS - (performance.now() - lastSent.current));
    timer.current = setTimeout(update, wait);
  }, [update]);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const line = (from: Point, to: Point, pressure: number) => {
    const ctx = canvasRef.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.strokeStyle = '#111';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    // A pen's pressure thickens the stroke a little; mouse and touch report 0.5.
    ctx.lineWidth = STROKE * (0.75 + 0.5 * (pressure || 0.5));
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = canvasPoint(e.currentTarget.getBoundingClientRect(), e);
    stroke.current = p;
    line(p, p, e.pressure);
    schedule();
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!stroke.current) return;
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [e.nativeEvent];
    const rect = e.currentTarget.getBoundingClientRect();
    for (const ev of events.length ? events : [e.nativeEvent]) {
      const p = canvasPoint(rect, ev);
      line(stroke.current, p, ev.pressure);
      stroke.current = p;
    }
    schedule();
  };
  const onUp = () => {
    if (!stroke.current) return;
    stroke.current = null;
    if (timer.current) clearTimeout(timer.current);
    update();
  };
  const clear = () => {
    canvasRef.current?.getContext('2d', { willReadFrequently: true })?.clearRect(0, 0, SIZE, SIZE);
    predictDrawing(null);
  };
  return { onDown, onMove, onUp, clear };
}

/** A pointer position in drawing units (the canvas is shown scaled). */
const canvasPoint = (rect: DOMRect, e: { clientX: number; clientY: number }): Point => ({
  x: ((e.clientX - rect.left) * SIZE) / rect.width,
  y: ((e.clientY - rect.top) * SIZE) / rect.height,
});

/** The model's answer to the drawing: a prompt, the prediction and its probabilities, or why there is none. */
function DrawResult({ drawn }: { drawn: boolean }) {
  const prediction = useInspect((s) => s.prediction);
  const classNames = useInspect((s) => s.classNames) ?? useStore.getState().dataset?.classNames ?? null;
  const runState = useStore((s) => s.runState);
  const probabilities = drawn ? prediction?.probabilities : null;
  const names = Array.from({ length: probabilities?.length ?? 10 }, (_, i) => nameOf(classNames, i));
  return (
    <div className="draw-result" aria-live="polite">
      {!drawn ? (
        <p className="hint">
          Draw a digit: the current model's probabilities appear here{runState === 'training' ? ' and follow training as it goes' : ''}.
        </p>
      ) : probabilities ? (
        <>
          <p>
            Prediction: <b data-testid="draw-prediction">{names[probabilities.indexOf(Math.max(...probabilities))]}</b>{' '}
            <span className="hint">(model at step {prediction?.step})</span>
          </p>
          <ProbabilityBars probabilities={probabilities} names={names} testId="draw-probabilities" />
        </>
      ) : (
        <p className="hint" data-testid="draw-message">
          {prediction?.message ?? 'Asking the model…'}
        </p>
      )}
    </div>
  );
}
