import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { normalizeFilters } from '../../core/inspect/filters';
import type { FeatureMapLayer, FeatureMaps, LayerHistogram } from '../../core/inspect/types';
import type { LayerRow } from '../../core/wire';
import { paintSigned } from '../canvas';
import { useInspect, type PanelId } from '../inspectStore';
import { setNetworkLive, setPanelOpen } from '../inspectClient';
import { useStore } from '../store';
import { healthOf } from '../networkHealth';
import { nameOf, Thumb } from './InspectParts';
import '../race/race.css';

/** Layers drawn as cards (they hold weights); the rest are chips on the arrows between them. */
const isMajor = (l: LayerRow) => /^(conv|dense)/.test(l.kind);
const fmtParams = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} k` : n.toLocaleString('en-US');
const fmtSmall = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(2) : v.toExponential(0));

/** Opens an "inside the network" panel and brings it into view. */
function openPanel(id: PanelId): void {
  setPanelOpen(id, true);
  requestAnimationFrame(() => {
    const panel = document.querySelector(`[data-testid="panel-${id}"]`);
    panel?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    (panel?.querySelector('summary') as HTMLElement | null)?.focus({ preventScroll: true });
  });
}

function scrollToModelTable(): void {
  document.getElementById('model-title')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/**
 * The model at one glance: every weight layer as a card (type, output shape, parameters) with the
 * layers between them on the arrows, and live thumbnails on it: the first layer's filters, the chosen
 * image going in, its feature maps, the answer coming out, and each layer's activation / gradient
 * health. A click opens the panel with the details. Its data is computed only while the view is open
 * and on screen.
 */
export function NetworkView() {
  const model = useStore((s) => s.model);
  const dataset = useStore((s) => s.runSettings?.dataset ?? s.settings.dataset);
  const isOpen = useInspect((s) => s.networkOpen);
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') {
      setNetworkLive(isOpen);
      return;
    }
    const observer = new IntersectionObserver((entries) => setNetworkLive(isOpen && entries.some((e) => e.isIntersecting)));
    observer.observe(el);
    return () => {
      observer.disconnect();
      setNetworkLive(false);
    };
  }, [isOpen]);
  return (
    <details
      ref={ref}
      className="panel network"
      open={isOpen}
      onToggle={(e) => useInspect.setState({ networkOpen: e.currentTarget.open })}
      data-testid="network-view"
      aria-labelledby="network-title"
    >
      <summary>
        <h2 id="network-title">The network at a glance</h2>
      </summary>
      {!model ? (
        <p className="hint">
          The diagram of the model appears when a run starts (or a model is loaded): each layer with its output shape and parameters, and
          live pictures of what it does.
        </p>
      ) : (
        <NetworkDiagram layers={model.layers} total={model.totalParams} inputShape={dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1]} />
      )}
    </details>
  );
}

function NetworkDiagram({ layers, total, inputShape }: { layers: readonly LayerRow[]; total: number; inputShape: readonly number[] }) {
  const anatomy = useInspect((s) => s.anatomy);
  const maps = useInspect((s) => s.featureMaps);
  const classNames = useInspect((s) => s.classNames);
  const lastHist = useInspect((s) => s.histograms.at(-1));
  const gradients = useInspect((s) => s.gradients);
  // Cards: each weight layer with the minor layers that follow it until the next one.
  const groups = useMemo(() => groupLayers(layers), [layers]);
  const lastGrad = gradients.points.at(-1);
  const gradientOf = (name: string) => {
    const i = gradients.layers.indexOf(name);
    return i >= 0 && lastGrad ? lastGrad.norms[i] : undefined;
  };
  const activationOf = (name: string) => lastHist?.activations.find((a) => a.layer === name);
  const mapsOf = (name: string) => maps?.layers.find((m) => m.layer === name);
  const predicted = maps ? Array.from(maps.probabilities).reduce((best, p, i, all) => (p > all[best]! ? i : best), 0) : null;
  return (
    <>
      <p className="hint">
        {groups.cards.length} weight layers, {total.toLocaleString('en-US')} parameters. Click a picture to open its panel below; the
        pictures follow training about every 2 s while this view is on screen.
      </p>
      <ol className="net-flow" data-testid="network-diagram" data-layers={layers.length} data-cards={groups.cards.length}>
        <InputCard inputShape={inputShape} maps={maps} before={groups.before} />
        {groups.cards.map(({ main, after }) => (
          <Card
            key={main.name}
            layer={main}
            isFilterLayer={anatomy?.filterLayer === main.name}
            maps={mapsOf(main.name)}
            health={healthOf(activationOf(main.name), gradientOf(main.name))}
            activation={activationOf(main.name)}
            gradient={gradientOf(main.name)}
          >
            {main.name === 'logits' && maps && predicted !== null && (
              <button type="button" className="net-answer" onClick={() => openPanel('featureMaps')} data-testid="net-answer">
                says <b>{nameOf(classNames, predicted)}</b> ({Math.round(maps.probabilities[predicted]! * 100)}%)
                {maps.label !== null && (predicted === maps.label ? ' ✓' : `, is ${nameOf(classNames, maps.label)}`)}
              </button>
            )}
            {after.map((l) => (
              <Chip key={l.name} layer={l} />
            ))}
          </Card>
        ))}
      </ol>
      {(lastHist || lastGrad) && <HealthLegend />}
    </>
  );
}

/** Each weight layer with the minor layers that follow it; the minor layers before the first one. */
function groupLayers(layers: readonly LayerRow[]) {
  const out: { main: LayerRow; after: LayerRow[] }[] = [];
  const before: LayerRow[] = [];
  for (const l of layers) {
    if (isMajor(l)) out.push({ main: l, after: [] });
    else if (out.length) out.at(-1)!.after.push(l);
    else before.push(l);
  }
  return { before, cards: out };
}

/** The input's shape, the image whose feature maps are shown, and the layers before the first card. */
function InputCard({ inputShape, maps, before }: { inputShape: readonly number[]; maps: FeatureMaps | null; before: readonly LayerRow[] }) {
  return (
    <li className="net-card net-io" data-testid="net-input">
      <div className="net-name">input</div>
      <div className="net-shape">{inputShape.join('×')}</div>
      {maps ? (
        <button
          type="button"
          className="net-thumb-button"
          onClick={() => openPanel('featureMaps')}
          title="The image whose feature maps are shown: open Feature maps to choose another"
        >
          <Thumb
            block={maps.input}
            index={0}
            size={42}
            label={maps.source.kind === 'drawn' ? 'Your drawing' : `Test image #${maps.source.index}`}
          />
        </button>
      ) : null}
      {before.map((l) => (
        <Chip key={l.name} layer={l} />
      ))}
    </li>
  );
}

/** What the health dots and numbers on the cards mean. */
function HealthLegend() {
  return (
    <p className="hint net-legend">
      Health of each layer's outputs on a fixed batch of test images: σ = their spread, zeros = share exactly 0 (dead ReLUs), ∇ = ‖∂loss/∂W‖
      of its weights.{' '}
      <span className="net-health ok inline">
        <span className="dot" aria-hidden="true" /> fine
      </span>{' '}
      <span className="net-health warn inline">
        <span className="dot" aria-hidden="true" /> many zeros
      </span>{' '}
      <span className="net-health bad inline">
        <span className="dot" aria-hidden="true" /> dead, flat or vanishing
      </span>
    </p>
  );
}

function Chip({ layer }: { layer: LayerRow }) {
  return (
    <span
      className="net-chip"
      title={`${layer.name}: ${layer.kind} → ${layer.outputShape.join('×')}${layer.params ? `, ${layer.params} parameters` : ''}`}
    >
      {layer.kind} → {layer.outputShape.join('×')}
    </span>
  );
}

function Card({
  layer,
  isFilterLayer,
  maps,
  health,
  activation,
  gradient,
  children,
}: {
  layer: LayerRow;
  isFilterLayer: boolean;
  maps: FeatureMapLayer | undefined;
  health: ReturnType<typeof healthOf>;
  activation: LayerHistogram | undefined;
  gradient: number | undefined;
  children?: ReactNode;
}) {
  return (
    <li className="net-card" data-testid="net-card" data-layer={layer.name}>
      <button type="button" className="net-name link-button" onClick={scrollToModelTable} title="See the layer table">
        {layer.name}
      </button>
      <div className="net-kind">
        {layer.kind}
        {layer.name.endsWith('_proj') ? ' · on the skip path (matches the channels for the residual add)' : ''}
      </div>
      <div className="net-shape">{layer.outputShape.join('×')}</div>
      <div className="net-params">{fmtParams(layer.params)} params</div>
      {isFilterLayer && <FilterThumbs />}
      {maps && <MapThumbs layer={maps} />}
      {health && (
        <button
          type="button"
          className={`net-health ${health.level}`}
          onClick={() => openPanel('histograms')}
          title={`${health.text}. Open the histograms`}
          data-testid="net-health"
          data-level={health.level}
        >
          <span className="dot" aria-hidden="true" />
          {activation ? `σ ${fmtSmall(activation.std)} · ${Math.round(activation.zeros * 100)}% zeros` : ''}
          {gradient !== undefined ? `${activation ? ' · ' : ''}∇ ${fmtSmall(gradient)}` : ''}
          <span className="visually-hidden">: {health.text}</span>
        </button>
      )}
      {children}
    </li>
  );
}

const THUMB = 19;

function FilterThumbs() {
  const snapshot = useInspect((s) => s.filters);
  const images = useMemo(() => (snapshot ? normalizeFilters(snapshot.weights, snapshot.shape, 'shared') : null), [snapshot]);
  if (!images) return null;
  const shown = Math.min(images.count, 16);
  return (
    <button
      type="button"
      className="net-thumbs"
      onClick={() => openPanel('filters')}
      title="First-layer filters: open the filter panel"
      data-testid="net-filters"
      data-count={shown}
    >
      <span className="net-thumbs-label">filters</span>
      {Array.from({ length: shown }, (_, f) => (
        <SignedThumb
          key={f}
          values={images.values}
          offset={f * images.height * images.width * images.channels}
          height={images.height}
          width={images.width}
          channels={images.channels}
        />
      ))}
    </button>
  );
}

function MapThumbs({ layer }: { layer: FeatureMapLayer }) {
  const shown = Math.min(layer.channels, 8);
  const scaled = useMemo(() => {
    let max = 0;
    for (let i = 0; i < layer.values.length; i++) max = Math.max(max, Math.abs(layer.values[i]!));
    const out = new Float32Array(layer.values.length);
    for (let i = 0; i < out.length; i++) out[i] = max > 0 ? layer.values[i]! / max : 0;
    return out;
  }, [layer]);
  return (
    <button
      type="button"
      className="net-thumbs"
      onClick={() => openPanel('featureMaps')}
      title={`${layer.layer} feature maps of the chosen image: open the feature-map panel`}
      data-testid="net-maps"
      data-count={shown}
    >
      <span className="net-thumbs-label">maps of the input</span>
      {Array.from({ length: shown }, (_, c) => (
        <SignedThumb
          key={c}
          values={scaled}
          offset={0}
          height={layer.height}
          width={layer.width}
          channels={1}
          stride={layer.channels}
          channel={c}
        />
      ))}
    </button>
  );
}

function SignedThumb({
  values,
  offset,
  height,
  width,
  channels,
  stride = channels,
  channel = 0,
}: {
  values: Float32Array;
  offset: number;
  height: number;
  width: number;
  channels: number;
  stride?: number;
  channel?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paintSigned(ref.current, values, offset, height, width, channels === 3 ? 3 : 1, stride, channel);
  }, [values, offset, height, width, channels, stride, channel]);
  return <canvas ref={ref} className="pixelated" style={{ width: THUMB, height: THUMB }} aria-hidden="true" />;
}
