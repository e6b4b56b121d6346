import { datasetName } from '../../core/settingsText';
import { useStore } from '../store';
import { loadCifarFiles } from '../workerClient';
import { DropZone } from './DropZone';
import { useDatasetAvailability } from './useDatasetAvailability';

/** What is loaded, and the CIFAR-10 file picker / drop zone. */
export function DatasetPanel() {
  const dataset = useStore((s) => s.dataset);
  const sizes = useStore((s) => s.sizes);
  const uploaded = useStore((s) => s.uploadedCifar);
  const cifarStatus = useStore((s) => s.cifarStatus);
  const availability = useDatasetAvailability();
  // Until the server's dataset list has been read, nothing is known to be on it.
  const listed = useStore((s) => s.manifest !== null);
  return (
    <section className="panel data" aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      {dataset ? (
        <p data-testid="dataset-info">
          {datasetName(dataset.id)}: {dataset.train.toLocaleString('en-US')} train / {dataset.test.toLocaleString('en-US')} test images,
          loaded in {dataset.loadSeconds.toFixed(2)} s. Classes: {dataset.classNames.join(', ')}.
          {sizes && (
            <span data-testid="run-sizes">
              {' '}
              This run: {sizes.train.toLocaleString('en-US')} trained on, {sizes.validation.toLocaleString('en-US')} for validation,{' '}
              {sizes.test.toLocaleString('en-US')} test.
            </span>
          )}
        </p>
      ) : (
        <p className="hint">Datasets are downloaded from this server on the first run and cached by the browser.</p>
      )}
      <DropZone
        onFiles={(files) => void loadCifarFiles(files)}
        accept=".gz,.tgz,.tar,.bin,.txt"
        buttonLabel="Choose CIFAR-10 files…"
        testId="cifar-files"
        after={
          <>
            {cifarStatus.busy && <span role="status"> Reading…</span>}
            {cifarStatus.error && (
              <p className="field-error" role="alert" data-testid="cifar-error">
                {cifarStatus.error}
              </p>
            )}
          </>
        }
      >
        <p>
          <b>CIFAR-10</b>{' '}
          {uploaded
            ? `loaded from your files: ${uploaded.train.toLocaleString('en-US')} train / ${uploaded.test.toLocaleString('en-US')} test.`
            : !listed
              ? ": this server's dataset list has not been read. Drop cifar-10-binary.tar.gz (or its .bin files) here, or choose them:"
              : availability.cifar10 === null
                ? 'is available on this server.'
                : 'is not on this server. Drop cifar-10-binary.tar.gz (or its .bin files) here, or choose them:'}
        </p>
      </DropZone>
    </section>
  );
}
