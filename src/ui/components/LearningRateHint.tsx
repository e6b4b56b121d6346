import { useState } from 'react';
import { fmtRate } from '../../core/format';
import { learningRateHint } from '../../core/verdict';
import { useRunActive, useStore } from '../store';

/**
 * Next to the learning rate: when it is outside the usual range of the chosen optimizer (e.g. after
 * switching to Adam with SGD's 0.01), says so and offers the usual rate. A suggestion only: nothing
 * changes until the button is pressed, and then the hint says what changed.
 */
export function LearningRateHint() {
  const optimizer = useStore((s) => s.settings.optimizer);
  const learningRate = useStore((s) => s.settings.learningRate);
  const locked = useRunActive();
  const [changed, setChanged] = useState<{ text: string; to: number } | null>(null);
  const hint = learningRateHint({ optimizer, learningRate });
  if (!hint) {
    return changed && changed.to === learningRate ? (
      <p className="lr-hint done" role="status" data-testid="lr-hint-applied">
        {changed.text}
      </p>
    ) : null;
  }
  return (
    <p className="lr-hint" data-testid="lr-hint">
      {hint.text}
      <button
        type="button"
        data-testid="lr-hint-use"
        disabled={locked}
        onClick={() => {
          useStore.setState((s) => ({ settings: { ...s.settings, learningRate: hint.rate } }));
          setChanged({ text: `Learning rate: ${fmtRate(learningRate)} → ${fmtRate(hint.rate)}.`, to: hint.rate });
        }}
      >
        Use {fmtRate(hint.rate)}
      </button>
    </p>
  );
}
