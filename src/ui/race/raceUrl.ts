/**
 * `race=` in the address (see src/core/race.ts for its format): taken out of the address before the
 * settings are read (it is not a setting), then read over those settings. Problems join the notice of
 * rejected address parts; a valid race is proposed in the race panel, or started with `autostart=1`.
 */
import { parseRaceSpec, RACE_KEY, type RacePlan } from '../../core/race';
import { useStore } from '../store';
import { useRace } from './raceClient';

/** Removes `race=` from the address; returns its value (null when absent). Call before the settings are read. */
export function takeRaceFromAddress(): string | null {
  const search = window.location.search;
  if (search.length > 4096) return null;
  const params = new URLSearchParams(search);
  const raw = params.get(RACE_KEY);
  if (raw === null) return null;
  params.delete(RACE_KEY);
  const rest = params.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
  return raw;
}

/** Reads a taken `race=` value over the settings now in the store; returns the plan (also proposed in the race panel). */
export function proposeRace(raw: string): RacePlan | null {
  const { plan, rejected } = parseRaceSpec(raw, useStore.getState().settings);
  if (rejected.length) useStore.setState((s) => ({ urlRejections: [...s.urlRejections, ...rejected] }));
  if (plan) useRace.setState({ proposal: plan });
  return plan;
}
