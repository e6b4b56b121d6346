import { useStore } from '../store';

/** Per-layer output shapes and parameter counts of the model being trained. */
export function ModelTable() {
  const model = useStore((s) => s.model);
  const sizes = useStore((s) => s.sizes);
  return (
    <section className="panel model" aria-labelledby="model-title">
      <h2 id="model-title">Model</h2>
      {!model ? (
        <p className="hint">The layer table appears when a run starts.</p>
      ) : (
        <>
          <table data-testid="model-table">
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Type</th>
                <th scope="col">Output</th>
                <th scope="col" className="num">
                  Params
                </th>
              </tr>
            </thead>
            <tbody>
              {model.layers.map((l) => (
                <tr key={l.name}>
                  <td>{l.name}</td>
                  <td>{l.kind}</td>
                  <td>{l.outputShape.join('×')}</td>
                  <td className="num">{l.params.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td className="num" data-testid="param-count" data-value={model.totalParams}>
                  {model.totalParams.toLocaleString('en-US')}
                </td>
              </tr>
            </tfoot>
          </table>
          {sizes && (
            <p className="hint">
              {sizes.train.toLocaleString('en-US')} training · {sizes.validation.toLocaleString('en-US')} validation ·{' '}
              {sizes.test.toLocaleString('en-US')} test examples
            </p>
          )}
        </>
      )}
    </section>
  );
}
