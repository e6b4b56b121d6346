import { useEffect, useRef } from 'react';
import type { FeatureMapLayer } from '../../core/inspect/types';
import { paintSigned } from '../canvas';
import { useInspect } from '../inspectStore';
import { showFeatureMapsOf } from '../inspectClient';
import { useStore } from '../store';
import { DivergingLegend, nameOf, ProbabilityBars, Thumb } from './InspectParts';

/** conv1 and conv2 activation maps of a chosen test image or of the drawing, refreshed while training. */
export function FeatureMaps() {
  const maps = useInspect((s) => s.featureMaps);
  const message = useInspect((s) => s.featureMessage);
  const source = useInspect((s) => s.featureSource);
  const anatomy = useInspect((s) => s.anatomy);
  const classNames = useInspect((s) => s.classNames);
  const drawn = useInspect((s) => s.drawn);
  const testSize = useStore((s) => s.sizes?.test ?? 0);
  const index = source.kind === 'test' ? source.index : 0;
  return (
    <div className="feature-maps" data-testid="feature-maps" data-layers={maps?.layers.length ?? 0} data-source={source.kind}>
      <div className="inspect-controls">
        <label>
          Test image #{' '}
          <input
            type="number"
            min={0}
            max={Math.max(0, testSize - 1)}
            value={index}
            onChange={(e) => {
              const v = Math.floor(Number(e.target.value));
              if (Number.isFinite(v)) showFeatureMapsOf({ kind: 'test', index: Math.max(0, Math.min(Math.max(0, testSize - 1), v)) });
            }}
            data-testid="feature-index"
            style={{ width: '6em' }}
          />
        </label>
        <button
          type="button"
          onClick={() => showFeatureMapsOf({ kind: 'test', index: Math.floor(Math.random() * Math.max(1, testSize)) })}
          disabled={testSize === 0}
        >
          Random test image
        </button>
        <button
          type="button"
          onClick={() => showFeatureMapsOf({ kind: 'drawn' })}
          disabled={!drawn}
          title={drawn ? 'Feature maps of your drawing' : 'Draw something in the drawing pad first'}
        >
          My drawing
        </button>
      </div>
      {anatomy?.noConvReason ? (
        <p className="hint">{anatomy.noConvReason}</p>
      ) : message ? (
        <p className="hint">{message}</p>
      ) : !maps ? (
        <p className="hint">The maps appear once a model exists (start a run), and follow training about every 2 s.</p>
      ) : (
        <>
          <div className="feature-input">
            <Thumb block={maps.input} index={0} size={84} label={maps.source.kind === 'drawn' ? 'Your drawing' : `Test image #${index}`} />
            <div>
              <p>
                {maps.source.kind === 'drawn' ? 'Your drawing' : `Test image #${index}`}
                {maps.label !== null ? `, a ${nameOf(classNames, maps.label)}` : ''} · step {maps.step}
              </p>
              <ProbabilityBars
                probabilities={maps.probabilities}
                names={Array.from(maps.probabilities, (_, i) => nameOf(classNames, i))}
                truth={maps.label}
                compact
              />
            </div>
          </div>
          {maps.layers.map((layer) => (
            <LayerMaps key={layer.layer} layer={layer} />
          ))}
        </>
      )}
    </div>
  );
}

function LayerMaps({ layer }: { layer: FeatureMapLayer }) {
  let max = 0;
  for (let i = 0; i < layer.values.length; i++) max = Math.max(max, Math.abs(layer.values[i]!));
  const size = Math.max(48, Math.min(84, layer.height * 3));
  return (
    <section className="layer-maps" aria-label={`${layer.layer} activation maps`}>
      <h3>
        {layer.layer}{' '}
        <span className="hint">
          · {layer.channels} maps of {layer.height}×{layer.width} (after the activation)
        </span>
      </h3>
      <div className="map-grid" data-testid="feature-map-grid" data-count={layer.channels}>
        {Array.from({ length: layer.channels }, (_, c) => (
          <MapTile key={c} layer={layer} channel={c} scale={max} size={size} />
        ))}
      </div>
      <DivergingLegend scale={max} label="activation (shared by the layer's maps)" />
    </section>
  );
}

function MapTile({ layer, channel, scale, size }: { layer: FeatureMapLayer; channel: number; scale: number; size: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  let peak = 0;
  for (let p = channel; p < layer.values.length; p += layer.channels) peak = Math.max(peak, layer.values[p]!);
  useEffect(() => {
    if (!ref.current) return;
    const scaled = new Float32Array(layer.height * layer.width);
    for (let p = 0; p < scaled.length; p++) scaled[p] = scale > 0 ? layer.values[p * layer.channels + channel]! / scale : 0;
    paintSigned(ref.current, scaled, 0, layer.height, layer.width, 1);
  }, [layer, channel, scale]);
  const label = `${layer.layer} map ${channel + 1}: peak ${peak.toPrecision(3)}`;
  return (
    <figure className="filter-tile">
      <canvas ref={ref} className="pixelated" style={{ width: size, height: size }} role="img" aria-label={label} title={label} />
      <figcaption>#{channel + 1}</figcaption>
    </figure>
  );
}
