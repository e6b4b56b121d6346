/**
 * The network view's health mark of one layer, from the inspection data (pure, unit-tested): dead
 * units, outputs that no longer vary, a vanishing or non-finite gradient.
 */
import type { LayerHistogram } from '../core/inspect/types';

/** What a layer's health numbers say, in words and as a level: dead units, a collapsed signal, a vanishing gradient. */
export function healthOf(
  activation: Pick<LayerHistogram, 'zeros' | 'std'> | undefined,
  gradient: number | undefined,
): { level: 'ok' | 'warn' | 'bad'; text: string } | null {
  if (!activation && gradient === undefined) return null;
  const problems: string[] = [];
  let level: 'ok' | 'warn' | 'bad' = 'ok';
  if (activation) {
    if (activation.zeros >= 0.9) {
      problems.push(`${Math.round(activation.zeros * 100)}% of outputs are 0 (dead units)`);
      level = 'bad';
    } else if (activation.zeros >= 0.6) {
      problems.push(`${Math.round(activation.zeros * 100)}% of outputs are 0`);
      level = 'warn';
    }
    if (activation.std < 1e-3) {
      problems.push('outputs barely vary (σ < 0.001)');
      level = 'bad';
    }
  }
  if (gradient !== undefined && Number.isFinite(gradient) && gradient < 1e-5) {
    problems.push('gradient vanishing (‖∇W‖ < 1e-5)');
    level = 'bad';
  }
  if (gradient !== undefined && !Number.isFinite(gradient)) {
    problems.push('gradient is not finite');
    level = 'bad';
  }
  return { level, text: problems.length ? problems.join('; ') : 'signal and gradient look healthy' };
}
