// What the handler printed, and its panics, newest last; refreshed every 2 s.
import { useState } from 'preact/hooks';
import { get } from '../../api.js';
import { Notice } from '../../components/ui.jsx';
import { usePolling } from '../../components/polling.js';

export function LogsPanel({ id }) {
  const [lines, setLines] = useState(null);
  const [error, setError] = useState('');
  usePolling(
    async (alive) => {
      try {
        const l = await get(`/endpoints/${id}/logs`);
        if (alive()) {
          setLines(l);
          setError('');
        }
      } catch (e) {
        if (alive()) setError(e.message);
      }
    },
    2000,
    [id],
  );
  return (
    <div class="logs">
      <Notice kind="error">{error}</Notice>
      {lines && lines.length === 0 && (
        <p class="muted">No log lines yet: eprintln! in the handler and panics show here.</p>
      )}
      {lines && lines.length > 0 && (
        <pre class="console" aria-label="Endpoint logs">
          {lines.map((l) => (
            <div class={`log log-${l.level}`}>
              <span class="muted">{l.at}</span> <b>{l.level}</b> {l.message}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
