/**
 * The one definition of every experiment setting.
 *
 * Each entry states its type, default, range or choices, URL key, label and help text. The settings
 * panel, the URL codec, validation and the worker's run config are all derived from this table, so a
 * new knob is one new entry here. Framework-free: imported by the UI, the worker and Node tests.
 */

interface BaseSpec {
  /** Short, stable key used in the URL and in `data-testid="setting-<key>"`. Never rename. */
  readonly key: string;
  readonly label: string;
  /** One line shown under the control. */
  readonly help: string;
  /** Panel section the control is shown in. */
  readonly group: SettingGroup;
}

export type SettingGroup = 'data' | 'model' | 'training' | 'system';

export interface NumberSpec extends BaseSpec {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** `log` → the control steps multiplicatively (learning rates). */
  readonly scale: 'linear' | 'log';
  readonly step?: number;
}

export interface EnumOption<V extends string> {
  readonly value: V;
  readonly label: string;
}

export interface EnumSpec<V extends string = string> extends BaseSpec {
  readonly kind: 'enum';
  readonly default: V;
  readonly options: readonly EnumOption<V>[];
}

export interface BooleanSpec extends BaseSpec {
  readonly kind: 'boolean';
  readonly default: boolean;
}

export type SettingSpec = NumberSpec | EnumSpec | BooleanSpec;

const num = (s: Omit<NumberSpec, 'kind' | 'integer' | 'scale'> & Partial<Pick<NumberSpec, 'integer' | 'scale'>>): NumberSpec => ({
  kind: 'number',
  integer: false,
  scale: 'linear',
  ...s,
});
const int = (s: Omit<NumberSpec, 'kind' | 'integer' | 'scale'>): NumberSpec => num({ ...s, integer: true });
const choice = <V extends string>(s: Omit<EnumSpec<V>, 'kind'>): EnumSpec<V> => ({ kind: 'enum', ...s });

export const DATASETS = ['mnist', 'fashion', 'cifar10'] as const;
export type DatasetId = (typeof DATASETS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerId = (typeof OPTIMIZERS)[number];

export const BACKEND_CHOICES = ['auto', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** The schema. Order here is the order of controls and of keys in the URL. */
export const SETTINGS = {
  dataset: choice<DatasetId>({
    key: 'ds',
    label: 'Dataset',
    help: 'Official train/test splits. CIFAR-10 needs its binary archive (see the data panel).',
    group: 'data',
    default: 'mnist',
    options: [
      { value: 'mnist', label: 'MNIST digits' },
      { value: 'fashion', label: 'Fashion-MNIST' },
      { value: 'cifar10', label: 'CIFAR-10' },
    ],
  }),
  trainSubset: int({
    key: 'n',
    label: 'Training examples',
    help: 'Use only the first N shuffled training examples (0 = all). Small sets overfit quickly.',
    group: 'data',
    default: 0,
    min: 0,
    max: 60000,
    step: 100,
  }),
  validationSize: int({
    key: 'val',
    label: 'Validation examples',
    help: 'Held out from the training set (seeded) and scored each epoch; the test set stays untouched.',
    group: 'data',
    default: 5000,
    min: 0,
    max: 20000,
    step: 500,
  }),
  model: choice<'lenet5' | 'lenet5-classic'>({
    key: 'm',
    label: 'Model',
    help: 'LeNet-5 modern (ReLU, max-pool) or the 1998 original (scaled tanh, average pooling, 32×32 input).',
    group: 'model',
    default: 'lenet5',
    options: [
      { value: 'lenet5', label: 'LeNet-5 (modern)' },
      { value: 'lenet5-classic', label: 'LeNet-5 (classic 1998)' },
    ],
  }),
  optimizer: choice<OptimizerId>({
    key: 'opt',
    label: 'Optimizer',
    help: 'How each gradient step updates the weights.',
    group: 'training',
    default: 'momentum',
    options: [
      { value: 'sgd', label: 'SGD' },
      { value: 'momentum', label: 'SGD + momentum' },
      { value: 'adam', label: 'Adam' },
      { value: 'rmsprop', label: 'RMSprop' },
    ],
  }),
  learningRate: num({
    key: 'lr',
    label: 'Learning rate',
    help: 'Step size. Too high → loss explodes (NaN); too low → slow progress.',
    group: 'training',
    default: 0.01,
    min: 1e-6,
    max: 10,
    scale: 'log',
  }),
  momentum: num({
    key: 'mom',
    label: 'Momentum ρ',
    help: 'Fraction of the previous update carried into the next (SGD + momentum only).',
    group: 'training',
    default: 0.9,
    min: 0,
    max: 0.999,
    step: 0.05,
  }),
  batchSize: int({
    key: 'bs',
    label: 'Batch size',
    help: 'Examples per gradient step.',
    group: 'training',
    default: 32,
    min: 1,
    max: 2048,
    step: 1,
  }),
  epochs: int({
    key: 'ep',
    label: 'Epochs',
    help: 'Passes over the training set.',
    group: 'training',
    default: 5,
    min: 1,
    max: 200,
    step: 1,
  }),
  seed: int({
    key: 'seed',
    label: 'Seed',
    help: 'Drives the validation split, shuffling and weight initialisation: same seed, same run.',
    group: 'training',
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
    step: 1,
  }),
  backend: choice<BackendChoice>({
    key: 'be',
    label: 'Compute backend',
    help: 'auto picks what is fastest here: GPU WebGL when there is a real GPU, otherwise WASM.',
    group: 'system',
    default: 'auto',
    options: [
      { value: 'auto', label: 'Auto (fastest here)' },
      { value: 'webgl', label: 'WebGL (GPU)' },
      { value: 'wasm', label: 'WASM (CPU, SIMD)' },
      { value: 'cpu', label: 'Plain JS (slow)' },
    ],
  }),
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
type ValueOf<S> = S extends EnumSpec<infer V> ? V : S extends NumberSpec ? number : S extends BooleanSpec ? boolean : never;
/** A complete, validated experiment configuration. */
export type Settings = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  SETTING_NAMES.map((name) => [name, SETTINGS[name].default]),
) as unknown as Settings;

/** URL format version, written as `v=`. Bump when a key's meaning changes. */
export const URL_VERSION = 1;
const VERSION_KEY = 'v';
/** Longest raw value read from a URL; anything longer is rejected unread. */
const MAX_RAW_LENGTH = 64;

export interface Rejection {
  /** The URL key as given (truncated for display). */
  readonly key: string;
  /** Plain-text reason. Never rendered as HTML. */
  readonly reason: string;
}

export type CoerceResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates one raw (string) value against its spec. Never throws. */
export function coerce(spec: SettingSpec, raw: string): CoerceResult<number | string | boolean> {
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, reason: `value longer than ${MAX_RAW_LENGTH} characters` };
  switch (spec.kind) {
    case 'number': {
      const trimmed = raw.trim();
      // Number('') is 0 and Number('0x10') is 16: accept plain decimal / exponent notation only.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return { ok: false, reason: `"${short(raw)}" is not a number` };
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, reason: `"${short(raw)}" is not a finite number` };
      if (spec.integer && !Number.isInteger(value)) return { ok: false, reason: `${value} is not a whole number` };
      if (value < spec.min || value > spec.max) return { ok: false, reason: `${value} is outside ${spec.min}…${spec.max}` };
      return { ok: true, value };
    }
    case 'enum': {
      const option = spec.options.find((o) => o.value === raw);
      if (!option) return { ok: false, reason: `"${short(raw)}" is not one of ${spec.options.map((o) => o.value).join(', ')}` };
      return { ok: true, value: option.value };
    }
    case 'boolean': {
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false, reason: `"${short(raw)}" is not 0/1` };
    }
    default:
      return assertNever(spec);
  }
}

export interface ParsedSettings {
  readonly settings: Settings;
  readonly rejected: readonly Rejection[];
}

const BY_KEY = new Map<string, SettingName>(SETTING_NAMES.map((name) => [SETTINGS[name].key, name]));

/**
 * Reads settings from a URL query string (`?ds=mnist&lr=0.01`). Never throws: valid parts are applied,
 * every rejected part is reported, defaults fill the rest.
 */
export function parseSettings(query: string, base: Settings = DEFAULT_SETTINGS): ParsedSettings {
  const params = new URLSearchParams(query.length > 4096 ? '' : query);
  const rejected: Rejection[] = [];
  if (query.length > 4096) rejected.push({ key: '(address)', reason: 'the settings part of the address is too long; defaults used' });
  const out: Record<string, unknown> = { ...base };
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (key === VERSION_KEY) {
      if (raw !== String(URL_VERSION)) rejected.push({ key, reason: `unknown settings version "${short(raw)}"; read as version ${URL_VERSION}` });
      continue;
    }
    const name = BY_KEY.get(key);
    if (!name) {
      rejected.push({ key: short(key), reason: 'unknown setting' });
      continue;
    }
    if (seen.has(key)) {
      rejected.push({ key, reason: 'given more than once; the first value is used' });
      continue;
    }
    seen.add(key);
    const result = coerce(SETTINGS[name], raw);
    if (result.ok) out[name] = result.value;
    else rejected.push({ key, reason: `${SETTINGS[name].label}: ${result.reason}; default kept` });
  }
  return { settings: out as Settings, rejected };
}

/** Writes settings as a query string: version first, then non-default values in schema order. */
export function serializeSettings(settings: Settings): string {
  const params = new URLSearchParams();
  params.set(VERSION_KEY, String(URL_VERSION));
  for (const name of SETTING_NAMES) {
    const value = settings[name];
    if (value === SETTINGS[name].default) continue;
    params.set(SETTINGS[name].key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}

/** Replaces one setting, validating it; returns the old object when the value is rejected. */
export function withSetting<K extends SettingName>(settings: Settings, name: K, value: Settings[K]): Settings {
  const result = coerce(SETTINGS[name], String(value));
  return result.ok ? { ...settings, [name]: result.value } : settings;
}

function short(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/**
 * Why a setting has no effect under the other settings (shown next to its disabled control), or null
 * when it applies. Keeps "settings that make no sense together" explained rather than silently ignored.
 */
export function inapplicableReason(name: SettingName, settings: Settings): string | null {
  switch (name) {
    case 'momentum':
      return settings.optimizer === 'momentum' ? null : 'Only used by SGD + momentum.';
    default:
      return null;
  }
}
