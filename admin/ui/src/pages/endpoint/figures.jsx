// Requests, errors and latency of this endpoint since it was loaded.
import { useState } from 'preact/hooks';
import { get } from '../../api.js';
import { Notice, ms } from '../../components/ui.jsx';
import { usePolling } from '../../components/polling.js';

export function FiguresPanel({ id }) {
  const [m, setM] = useState(undefined);
  const [error, setError] = useState('');
  usePolling(
    async (alive) => {
      try {
        const st = await get('/stats');
        if (alive()) setM((st.endpoints || []).find((e) => e.id === id) || null);
      } catch (e) {
        if (alive()) setError(e.message);
      }
    },
    2000,
    [id],
  );
  if (m === null) return <p class="muted">Not loaded: figures start when the endpoint is deployed.</p>;
  return (
    <div>
      <Notice kind="error">{error}</Notice>
      {m && (
        <dl class="figures" aria-label="Endpoint figures">
          <div>
            <dt>Requests</dt>
            <dd data-figure="requests">{m.requests}</dd>
          </div>
          <div>
            <dt>Client errors (4xx)</dt>
            <dd>{m.client_errors}</dd>
          </div>
          <div>
            <dt>Server errors (5xx)</dt>
            <dd>{m.server_errors}</dd>
          </div>
          <div>
            <dt>Mean</dt>
            <dd>{ms(m.latency_ms_mean)}</dd>
          </div>
          <div>
            <dt>p50</dt>
            <dd>{ms(m.latency_ms_p50)}</dd>
          </div>
          <div>
            <dt>p99</dt>
            <dd>{ms(m.latency_ms_p99)}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}
