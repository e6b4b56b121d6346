import { OFFICIAL_TRAIN_SIZE } from '../../core/data/classes';
import { useStore } from '../store';

/**
 * Training-set size of the chosen dataset, before the validation split: the uploaded CIFAR-10's,
 * else this server's manifest's, else the official release's.
 */
export function useTrainCount(): number {
  const dataset = useStore((s) => s.settings.dataset);
  const fromManifest = useStore((s) => s.manifest?.datasets[s.settings.dataset]?.train);
  const uploaded = useStore((s) => s.uploadedCifar?.train);
  if (dataset === 'cifar10' && uploaded !== undefined) return uploaded;
  return fromManifest ?? OFFICIAL_TRAIN_SIZE[dataset];
}
