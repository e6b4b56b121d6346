/**
 * Numbers as people type them, for every number setting (the settings panel and the URL codec share
 * this): parsing that never turns text into a different value and arrow-key stepping. Pure
 * functions, no UI; the notes on what a special or capped value means are in valueNote.ts.
 */

/** What parsing and stepping need of a number setting (settings.ts's NumberSpec has these fields). */
export interface NumberRule {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** `log` → steps multiplicatively (learning rates). */
  readonly scale: 'linear' | 'log';
  readonly step?: number;
}

/**
 * What a typed text means for a number setting.
 * - `ok`: a complete number in range: commit it.
 * - `incomplete`: the start of a number ("", "-", "0.", "1e", "2e-"): keep the last value, say so quietly.
 * - `invalid`: not a number, or not a whole number where one is needed.
 * - `out-of-range`: a number outside the setting's range (`value` is what was typed).
 */
export type NumberParse =
  | { readonly kind: 'ok'; readonly value: number }
  | { readonly kind: 'incomplete'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'out-of-range'; readonly value: number; readonly reason: string };

/** Longest text read as a number; anything longer is rejected unread. */
const MAX_LENGTH = 64;
const COMPLETE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** Prefixes of a complete number that are not numbers yet: a sign, a trailing point, an unfinished exponent. */
const INCOMPLETE = /^[+-]?$|^[+-]?\d*\.$|^[+-]?(\d+\.?\d*|\.\d+)e[+-]?$/i;

/**
 * Rewrites locale forms to the plain decimal form: spaces (also no-break and thin) between digit
 * groups, "−" for minus, and the comma. A single comma is the decimal separator ("0,01" is 0.01)
 * except in whole-number fields, where "55,000" groups thousands; commas before a point
 * ("1,234.5") group thousands too. Returns null when the commas fit neither reading.
 */
export function normalizeNumberText(text: string, integer: boolean): string | null {
  let s = text.trim().replace(/[\u2212\u2012\u2013]/g, '-');
  s = s.replace(/(\d)[ \u00a0\u202f](?=\d)/g, '$1');
  if (!s.includes(',')) return s;
  const thousands = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
  if (s.includes('.')) return thousands.test(s) ? s.replace(/,/g, '') : null;
  if (integer && thousands.test(s)) return s.replace(/,/g, '');
  const commas = s.split(',').length - 1;
  return commas === 1 ? s.replace(',', '.') : null;
}

/** Reads what a person typed into a number setting's field (or a URL value). Never throws. */
export function parseNumberInput(spec: NumberRule, text: string): NumberParse {
  if (text.length > MAX_LENGTH) return { kind: 'invalid', reason: `longer than ${MAX_LENGTH} characters` };
  const s = normalizeNumberText(text, spec.integer);
  if (s === null) return { kind: 'invalid', reason: `"${short(text)}" is not a number` };
  if (INCOMPLETE.test(s)) return { kind: 'incomplete', reason: s === '' ? 'empty' : `"${short(text)}" is not a complete number` };
  if (!COMPLETE.test(s)) return { kind: 'invalid', reason: `"${short(text)}" is not a number` };
  const value = Number(s);
  if (!Number.isFinite(value))
    return { kind: 'out-of-range', value, reason: `"${short(text)}" is too large (the maximum is ${formatSettingNumber(spec.max)})` };
  if (spec.integer && !Number.isInteger(value)) return { kind: 'invalid', reason: `${formatSettingNumber(value)} is not a whole number` };
  if (value < spec.min || value > spec.max)
    return {
      kind: 'out-of-range',
      value,
      reason: `${formatSettingNumber(value)} is outside the range ${formatSettingNumber(spec.min)}…${formatSettingNumber(spec.max)}`,
    };
  // -0 reads as 0: the URL and the field never show "-0".
  return { kind: 'ok', value: value === 0 ? 0 : value };
}

/** A setting's number as the field and the messages show it: plain decimals, exponent form only below 1e-6. */
export function formatSettingNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) >= 10000) return value.toLocaleString('en-US');
  return String(value);
}

/** The step of a linear field: the schema's, else a round 1/100 of the range (1 for whole numbers). */
export function linearStep(spec: NumberRule): number {
  if (spec.step !== undefined) return spec.step;
  if (spec.integer) return 1;
  const raw = (spec.max - spec.min) / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  return raw / p >= 5 ? 5 * p : raw / p >= 2 ? 2 * p : p;
}

/** Mantissas of the 1-2-5 grid log-scale fields step along: …, 0.01, 0.02, 0.05, 0.1, 0.2, …. */
const GRID = [1, 2, 5] as const;

/** Rounds away binary noise (0.1 + 0.2) so a stepped value reads as typed. */
const clean = (v: number) => (v === 0 ? 0 : Number(v.toPrecision(12)));

/**
 * The value one step up (`direction` 1) or down (−1) from `value`, within the setting's range.
 * Log-scale settings (learning rates, ε, decay) step along the 1-2-5 grid: 0.01 → 0.02 → 0.05 → 0.1;
 * a value between grid points goes to the next grid point. `large` steps by a decade (log) or ten
 * steps (linear), for PageUp / PageDown. Linear settings step by `linearStep` to the next multiple of it.
 */
export function stepNumber(spec: NumberRule, value: number, direction: 1 | -1, large = false): number {
  const clamp = (v: number) => Math.min(spec.max, Math.max(spec.min, v));
  if (!Number.isFinite(value)) return spec.default;
  if (spec.scale === 'log' && value > 0) {
    if (large) return clamp(clean(value * 10 ** direction));
    const exponent = Math.floor(Math.log10(value));
    const candidates: number[] = [];
    for (let e = exponent - 1; e <= exponent + 1; e++) for (const m of GRID) candidates.push(clean(m * 10 ** e));
    const tolerance = value * 1e-9;
    const next = direction > 0 ? candidates.find((c) => c > value + tolerance) : candidates.reverse().find((c) => c < value - tolerance);
    return clamp(next ?? value);
  }
  const step = linearStep(spec) * (large ? 10 : 1);
  const k = value / step;
  const snapped = direction > 0 ? Math.floor(k + 1e-9) + 1 : Math.ceil(k - 1e-9) - 1;
  return clamp(clean(snapped * step));
}

/**
 * The message next to a field whose text was not committed, naming the value still in use:
 * "300 is above the maximum 200 — using 30".
 */
export function fieldProblem(parse: Exclude<NumberParse, { kind: 'ok' }>, using: number): string {
  const current = formatSettingNumber(using);
  if (parse.kind === 'incomplete')
    return parse.reason === 'empty' ? `Empty — using ${current}` : `Not a complete number yet — using ${current}`;
  return `${parse.reason[0]!.toUpperCase()}${parse.reason.slice(1)} — using ${current}`;
}

function short(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
