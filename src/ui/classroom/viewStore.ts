/**
 * How the page is shown (classroom flags from the address, toggled by buttons and shortcuts), the
 * shortcuts overlay, the preset bar's choice and the confirmation of the last preset applied. Own
 * zustand store, so the run store stays about runs.
 */
import { create } from 'zustand';
import { DEFAULT_VIEW, type ClassroomView, type PanelId, panelShown } from './flags';

/** What the last preset changed, shown near Train until dismissed or replaced. */
export interface PresetNote {
  readonly title: string;
  readonly changes: readonly { readonly label: string; readonly from: string; readonly to: string }[];
  /** Settings the preset would change but the link locks. */
  readonly kept: readonly string[];
  /** A refusal (e.g. a run is active) rather than a change. */
  readonly refused?: string;
  /** Bumped on every note, so the same text twice still re-announces. */
  readonly serial: number;
}

export interface ViewState {
  view: ClassroomView;
  shortcutsOpen: boolean;
  /** The preset bar's choice: preset index, and the variant applied last (-1: none yet). */
  preset: { index: number; variant: number };
  note: PresetNote | null;
  /** Phone layout: the settings drawer is open. */
  drawerOpen: boolean;
}

export const useView = create<ViewState>()(() => ({
  view: DEFAULT_VIEW,
  shortcutsOpen: false,
  preset: { index: 0, variant: -1 },
  note: null,
  drawerOpen: false,
}));

export const setView = (patch: Partial<ClassroomView>) => useView.setState((s) => ({ view: { ...s.view, ...patch } }));

export function togglePresentation(): void {
  setView({ present: !useView.getState().view.present });
}

/** The theme in effect: the flag, or the system's preference under `auto`. */
export function effectiveTheme(view: ClassroomView = useView.getState().view): 'light' | 'dark' {
  if (view.theme !== 'auto') return view.theme;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function toggleTheme(): void {
  setView({ theme: effectiveTheme() === 'dark' ? 'light' : 'dark' });
}

/** A panel's visibility under the current flags (for components). */
export function usePanel(panel: PanelId): boolean {
  return useView((s) => panelShown(s.view, panel));
}

/** Mirrors the view on <html>: `data-theme`, `data-present`, `data-embed` (the CSS keys on them). */
export function mirrorViewOnDocument(): () => void {
  const root = document.documentElement;
  const apply = () => {
    const { view } = useView.getState();
    root.dataset['theme'] = effectiveTheme(view);
    root.dataset['present'] = view.present ? '1' : '0';
    root.dataset['embed'] = view.embed ? '1' : '0';
  };
  apply();
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener('change', apply);
  const unsubscribe = useView.subscribe((s, p) => {
    if (s.view !== p.view) apply();
  });
  return () => {
    unsubscribe();
    media?.removeEventListener('change', apply);
  };
}
