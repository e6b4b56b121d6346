import type { DatasetId } from '../../core/settings';
import { useStore } from '../store';

/** For each dataset: null when it can be trained on now, else why not. */
export function useDatasetAvailability(): Record<DatasetId, string | null> {
  const manifest = useStore((s) => s.manifest);
  const uploaded = useStore((s) => s.uploadedCifar);
  const reason = (id: DatasetId): string | null => {
    if (id === 'cifar10' && uploaded) return null;
    if (!manifest) return null; // not known yet: let the worker say
    const entry = manifest.datasets[id];
    if (entry?.available) return null;
    if (id === 'cifar10') return 'CIFAR-10 is not on this server: load cifar-10-binary.tar.gz in the Data panel.';
    return entry?.reason ?? 'Not prepared on this server (npm run prepare-data).';
  };
  return { mnist: reason('mnist'), fashion: reason('fashion'), cifar10: reason('cifar10') };
}
