import type { ReactNode } from 'react';

export interface RadioOption<V extends string> {
  readonly value: V;
  readonly label: ReactNode;
  readonly testId?: string;
}

/**
 * The radio buttons of one choice, each `label > input + text`; the caller wraps them in its own group
 * element (with its role and accessible name) next to whatever else the row holds.
 */
export function RadioChoices<V extends string>({
  name,
  value,
  onChange,
  options,
}: {
  name: string;
  value: V;
  onChange: (value: V) => void;
  options: readonly RadioOption<V>[];
}) {
  return (
    <>
      {options.map((o) => (
        <label key={o.value}>
          <input type="radio" name={name} checked={value === o.value} onChange={() => onChange(o.value)} data-testid={o.testId} /> {o.label}
        </label>
      ))}
    </>
  );
}
