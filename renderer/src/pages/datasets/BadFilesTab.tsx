import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { formatCount } from '../../lib/format.js';

/** Files the import could not use, with the reason for each; everything readable was imported. */
export function BadFilesTab({ datasetId, reasons }: { datasetId: string; reasons: Record<string, number> }) {
  const query = useLabQuery('datasets.badFiles', { datasetId, offset: 0, limit: 1000 }, { tags: ['datasets'] });
  const page = query.data;
  return (
    <div className="tab-body">
      {Object.keys(reasons).length > 0 ? (
        <ul className="chips" aria-label="Bad files by reason">
          {Object.entries(reasons)
            .sort((a, b) => b[1] - a[1])
            .map(([reason, count]) => (
              <li key={reason} className="chip chip-warn">
                {reason}: {formatCount(count)}
              </li>
            ))}
        </ul>
      ) : null}
      <ErrorMessage error={query.error} />
      {page ? (
        page.total === 0 ? (
          <p className="muted">Every file was read. Nothing to report.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Bad files">
            <table className="table">
              <caption className="sr-only">Files that could not be imported</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((file) => (
                  <tr key={file.path}>
                    <td className="path">{file.path}</td>
                    <td>{file.reason}</td>
                    <td className="muted">{file.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.total > page.items.length ? (
              <p className="muted">
                Showing the first {formatCount(page.items.length)} of {formatCount(page.total)}.
              </p>
            ) : null}
          </div>
        )
      ) : null}
    </div>
  );
}
