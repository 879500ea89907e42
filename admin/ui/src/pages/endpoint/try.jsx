// Sends a request to the endpoint on the gateway port (through the admin API, same origin)
// and shows the answer.
import { useState } from 'preact/hooks';
import { post } from '../../api.js';
import { ActionButton, Field, Notice, ms } from '../../components/ui.jsx';

function parseHeaders(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`Header line "${line}" is not "Name: value".`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function pretty(body, headers) {
  const type = headers.find(([k]) => k.toLowerCase() === 'content-type');
  if (type && type[1].includes('json')) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch (_) {
      /* as is */
    }
  }
  return body;
}

/** The path the gateway serves the endpoint at: its collection's base path, then its own. */
function fullPath(base, path) {
  const b = (base || '').replace(/\/+$/, '');
  return b ? `${b}${path.startsWith('/') ? '' : '/'}${path}` : path;
}

export function TryPanel({ endpoint, base }) {
  const [path, setPath] = useState(fullPath(base, endpoint.path));
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState('');
  const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(endpoint.method);

  const send = async () => {
    setError('');
    const a = await post(`/endpoints/${endpoint.id}/try`, {
      path,
      headers: parseHeaders(headers),
      body: hasBody ? body : undefined,
    });
    setAnswer(a);
  };

  return (
    <div class="try">
      {endpoint.status !== 'running' && (
        <Notice kind="info">This endpoint is not deployed: the gateway will answer 404 until you Deploy it.</Notice>
      )}
      <div class="try-line">
        <span class={`method method-${endpoint.method}`}>{endpoint.method}</span>
        <input aria-label="Request path" class="grow mono" value={path} onInput={(e) => setPath(e.target.value)} />
        <ActionButton class="primary" onError={setError} action={send}>
          Send
        </ActionButton>
      </div>
      <div class="row2">
        <Field label="Headers" hint="One per line: Name: value">
          <textarea rows="3" class="mono" value={headers} onInput={(e) => setHeaders(e.target.value)} />
        </Field>
        {hasBody && (
          <Field label="Body">
            <textarea rows="3" class="mono" value={body} onInput={(e) => setBody(e.target.value)} />
          </Field>
        )}
      </div>
      <Notice kind="error">{error}</Notice>
      {answer && (
        <div class="answer" aria-label="Response">
          <div>
            <span class={`status status-${String(answer.status)[0]}xx`} data-status={answer.status}>
              {answer.status}
            </span>{' '}
            <span class="muted">{ms(answer.duration_ms)}</span>
          </div>
          <details>
            <summary>Headers</summary>
            <pre class="console">
              {answer.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}
            </pre>
          </details>
          <pre class="console response-body">{pretty(answer.body, answer.headers)}</pre>
          {answer.truncated && <p class="muted">The body was cut at 1 MiB.</p>}
        </div>
      )}
    </div>
  );
}
