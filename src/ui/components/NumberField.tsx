import { useState, type KeyboardEvent } from 'react';
import { fieldProblem, parseNumberInput, stepNumber } from '../../core/numberInput';
import type { ValueNote } from '../../core/valueNote';
import type { NumberSpec } from '../../core/settings';

/** A number as the field shows it: plain, no grouping, so it reads back the same. */
const show = (v: number) => String(v);

/**
 * A number field (every number setting, and the repeat and sweep counts). The text is read by `parseNumberInput` (core): a complete number in range
 * is committed as it is typed; anything else (unfinished, not a number, out of range) is never
 * committed — the message beside the field says why and which value is still in use, and stays
 * after the field is left (the field then shows the value in use). ↑/↓ and the two step buttons
 * step with `stepNumber` (1-2-5 on log-scale knobs), PageUp/PageDown by ten steps or a decade,
 * Escape goes back to the value in use. A `type="text"` field, so "0,01" and "1e" are seen as typed.
 */
export function NumberField({
  id,
  spec,
  value,
  disabled = false,
  onCommit,
  note = null,
  testId = `setting-${spec.key}`,
  ariaLabel,
  describedBy,
  inline = false,
}: {
  id: string;
  spec: NumberSpec;
  value: number;
  disabled?: boolean;
  onCommit: (value: number) => void;
  /** What the value really means ("all (55,000)", "capped at …"), shown under the field. */
  note?: ValueNote | null;
  testId?: string;
  /** For a field without a `<label htmlFor>`. */
  ariaLabel?: string;
  /** Id of the help line under the field. */
  describedBy?: string;
  /** A short field inside a line of text (repeat, sweep) rather than a settings row. */
  inline?: boolean;
}) {
  const field = useNumberField(spec, value, onCommit);
  const { problem } = field;
  const errorId = `${id}-err`;
  const noteId = `${id}-note`;
  return (
    <>
      <span className={`number-field${inline ? ' inline' : ''}`}>
        <input
          id={id}
          data-testid={testId}
          aria-label={ariaLabel}
          type="text"
          role="spinbutton"
          inputMode={spec.integer && spec.min >= 0 ? 'numeric' : 'decimal'}
          autoComplete="off"
          spellCheck={false}
          aria-valuemin={spec.min}
          aria-valuemax={spec.max}
          aria-valuenow={value}
          aria-valuetext={note ? `${show(value)}, ${note.text}` : show(value)}
          value={field.draft}
          disabled={disabled}
          aria-invalid={problem !== null && field.editing}
          aria-describedby={[problem ? errorId : '', note ? noteId : '', describedBy ?? ''].filter(Boolean).join(' ') || undefined}
          data-committed={value}
          onFocus={field.onFocus}
          onChange={(e) => field.onChange(e.target.value)}
          onKeyDown={field.onKeyDown}
          onBlur={field.onBlur}
        />
        <Steppers spec={spec} value={value} disabled={disabled} testId={testId} step={field.step} />
      </span>
      {problem &&
        (inline ? (
          <span className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`} data-using={value}>
            {' '}
            {problem}
          </span>
        ) : (
          <p className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`} data-using={value}>
            {problem}
          </p>
        ))}
      {note && (
        <p className={`value-note${note.capped ? ' capped' : ''}`} id={noteId} data-testid={`${testId}-note`}>
          {note.capped ? '⚠ ' : '= '}
          {note.text}
        </p>
      )}
    </>
  );
}

/** Keys that step the value: direction, and whether by a large step. */
const STEP_KEYS: Record<string, [1 | -1, boolean]> = {
  ArrowUp: [1, false],
  ArrowDown: [-1, false],
  PageUp: [1, true],
  PageDown: [-1, true],
};

/**
 * The field's text and message: what is typed is read (and committed when complete and in range),
 * stepped, settled when the field is left, and replaced when the value changes elsewhere.
 */
function useNumberField(spec: NumberSpec, value: number, onCommit: (value: number) => void) {
  const [draft, setDraft] = useState(show(value));
  const [problem, setProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  // A new value from elsewhere (URL, preset, a step) replaces the text, unless the text already
  // means this value ("0,01" while 0.01 is committed): then the typist's text is left alone.
  // Adjusted while rendering (React's pattern for state that follows a prop), not in an effect.
  const [shownValue, setShownValue] = useState(value);
  if (!Object.is(value, shownValue)) {
    setShownValue(value);
    const parsed = parseNumberInput(spec, draft);
    if (!(parsed.kind === 'ok' && parsed.value === value)) setDraft(show(value));
    if (!editing) setProblem(null);
  }

  const read = (text: string) => {
    const parsed = parseNumberInput(spec, text);
    if (parsed.kind === 'ok') {
      setProblem(null);
      if (parsed.value !== value) onCommit(parsed.value);
    } else setProblem(fieldProblem(parsed, value));
  };
  const step = (direction: 1 | -1, large = false) => {
    const parsed = parseNumberInput(spec, draft);
    const next = stepNumber(spec, parsed.kind === 'ok' ? parsed.value : value, direction, large);
    setDraft(show(next));
    setProblem(null);
    if (next !== value) onCommit(next);
  };
  /** Leaving the field: it shows the value in use; a message about text that was not used stays. */
  const settle = () => {
    const parsed = parseNumberInput(spec, draft);
    if (parsed.kind !== 'ok')
      setProblem(`Not used: “${draft.length > 24 ? `${draft.slice(0, 24)}…` : draft}”. ${fieldProblem(parsed, value)}`);
    setDraft(show(value));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const k = STEP_KEYS[e.key];
    if (k) {
      e.preventDefault();
      step(k[0], k[1]);
    } else if (e.key === 'Enter') settle();
    else if (e.key === 'Escape') {
      setDraft(show(value));
      setProblem(null);
    }
  };
  const onChange = (text: string) => {
    setDraft(text);
    read(text);
  };
  const onFocus = () => setEditing(true);
  const onBlur = () => {
    setEditing(false);
    settle();
  };
  return { draft, problem, editing, step, onKeyDown, onChange, onFocus, onBlur };
}

/** The ▲ / ▼ buttons: they step without taking the focus from the field. */
function Steppers({
  spec,
  value,
  disabled,
  testId,
  step,
}: {
  spec: NumberSpec;
  value: number;
  disabled: boolean;
  testId: string;
  step: (direction: 1 | -1) => void;
}) {
  return (
    <span className="steppers">
      <button
        type="button"
        tabIndex={-1}
        aria-label={`Increase ${spec.label}`}
        data-testid={`${testId}-up`}
        disabled={disabled || value >= spec.max}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => step(1)}
      >
        ▲
      </button>
      <button
        type="button"
        tabIndex={-1}
        aria-label={`Decrease ${spec.label}`}
        data-testid={`${testId}-down`}
        disabled={disabled || value <= spec.min}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => step(-1)}
      >
        ▼
      </button>
    </span>
  );
}
