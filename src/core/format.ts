/**
 * Number formats that the core's sentences (verdicts, hints) and the UI's cards and charts share, so
 * one quantity never reads two ways. Framework-free.
 */

/**
 * A learning rate (or a loss in a sentence): three significant digits, written out from 0.0001 up to 10 000 ("0.0001", "0.003",
 * "5"), in compact exponent form outside ("1e-5", "2.5e-6", "1e5"); 0 is "0".
 */
export function fmtRate(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const rounded = Number(v.toPrecision(3));
  const size = Math.abs(rounded);
  return size >= 1e-4 && size < 1e4 ? String(rounded) : rounded.toExponential().replace('e+', 'e');
}
