// One endpoint: details, code editor, compile (live output, errors linked to their lines),
// deploy/stop, and the Output / Try it / Logs / Figures / Services / Variables panels.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, compileStreaming, del, get, post, put } from '../api.js';
import { CodeEditor, goToLine } from '../components/editor.jsx';
import { ActionButton, DeployState, Field, Messages, Notice, StatusBadge } from '../components/ui.jsx';
import { parseDiagnostics } from '../diagnostics.js';
import { METHODS } from '../http.js';
import { setLeaveGuard } from '../leave.js';
import { usePolling } from '../components/polling.js';
import { OutputPanel } from './endpoint/output.jsx';
import { TryPanel } from './endpoint/try.jsx';
import { LogsPanel } from './endpoint/logs.jsx';
import { FiguresPanel } from './endpoint/figures.jsx';
import { BindingsPanel } from './endpoint/bindings.jsx';
import { VariablesPanel } from './endpoint/variables.jsx';

const BLANK = {
  name: '',
  path: '/hello',
  method: 'GET',
  domain: '*',
  collection_id: '',
  description: '',
  code: '',
  dependencies: '{}',
  max_body_bytes: '1048576',
};

/** The largest value the API takes for max_body_bytes (1 GiB). */
const MAX_BODY_LIMIT = 1 << 30;

function toForm(e) {
  return {
    name: e.name,
    path: e.path,
    method: e.method,
    domain: e.domain,
    collection_id: e.collection_id || '',
    description: e.description || '',
    code: e.code,
    dependencies: JSON.stringify(e.dependencies || {}, null, 2),
    max_body_bytes: String(e.max_body_bytes ?? 1048576),
  };
}

/** A max_body_bytes field's text as a number, or an error that says what is wrong. */
function maxBody(text) {
  const t = String(text).trim();
  const n = Number(t);
  if (!/^[0-9]+$/.test(t) || !Number.isSafeInteger(n) || n < 1 || n > MAX_BODY_LIMIT) {
    throw new Error(`Max body must be a whole number of bytes from 1 to ${MAX_BODY_LIMIT} (1 GiB); got "${t}".`);
  }
  return n;
}

/** Bytes as the hint shows them: 1 MiB, 512 KiB, 100 bytes. */
function sizeText(text) {
  const n = Number(String(text).trim());
  if (!Number.isSafeInteger(n) || n < 1) return '';
  if (n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function toBody(f) {
  let deps;
  try {
    deps = JSON.parse(f.dependencies || '{}');
  } catch (e) {
    throw new Error(`Dependencies must be JSON, e.g. {"regex": "1"}: ${e.message}`);
  }
  return {
    name: f.name.trim(),
    path: f.path.trim(),
    method: f.method,
    domain: f.domain.trim() || '*',
    collection_id: f.collection_id || null,
    description: f.description.trim() || null,
    code: f.code,
    dependencies: deps,
    max_body_bytes: maxBody(f.max_body_bytes),
  };
}

export function EndpointPage({ id }) {
  const [endpoint, setEndpoint] = useState(null);
  // Null until loaded: the endpoint, or for a new one the default handler from the API.
  const [form, setForm] = useState(null);
  const [saved, setSaved] = useState(null);
  const [collections, setCollections] = useState([]);
  const [domains, setDomains] = useState([]);
  const [draining, setDraining] = useState(false);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [tab, setTab] = useState('output');
  const [output, setOutput] = useState({ lines: [], state: 'idle', result: null });
  const [diagnostics, setDiagnostics] = useState([]);
  const [building, setBuilding] = useState(false);
  const view = useRef(null);
  const saveRef = useRef(null);
  const dirtyRef = useRef(false);
  // Unsaved rows in the Variables tab (saved by its own button).
  const varsDirtyRef = useRef(false);

  // Ctrl+S / Cmd+S saves; leaving the page with unsaved code or variables asks first.
  useEffect(() => {
    const key = (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        if (saveRef.current) saveRef.current();
      }
    };
    const unsaved = () => dirtyRef.current || varsDirtyRef.current;
    const leave = (e) => {
      if (unsaved()) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    addEventListener('keydown', key);
    addEventListener('beforeunload', leave);
    setLeaveGuard(() => !unsaved() || confirm('This endpoint has unsaved changes. Leave anyway?'));
    return () => {
      removeEventListener('keydown', key);
      removeEventListener('beforeunload', leave);
      setLeaveGuard(null);
    };
  }, []);

  const load = async () => {
    try {
      const [cols, doms] = await Promise.all([get('/collections'), get('/domains')]);
      setCollections(cols);
      setDomains(doms);
      if (!id) {
        // A new endpoint starts with the gateway's own default handler (the hello handler).
        const t = await get('/templates/handler');
        const fresh = { ...BLANK, code: t.code };
        setForm((f) => f || fresh);
        setSaved((s) => s || fresh);
      } else {
        const e = await get(`/endpoints/${id}`);
        setEndpoint(e);
        setForm((f) => f || toForm(e));
        setSaved((s) => s || toForm(e));
        if (e.last_error && e.status === 'error') setDiagnostics(parseDiagnostics(e.last_error));
      }
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, [id]);

  // Status and draining refresh while the page is open.
  usePolling(
    async (alive) => {
      if (!id) return;
      try {
        const [e, st] = await Promise.all([get(`/endpoints/${id}`), get('/stats')]);
        if (!alive()) return;
        setEndpoint(e);
        setDraining((st.draining_endpoints || []).includes(id));
      } catch (_) {
        /* shown by the next action */
      }
    },
    2000,
    [id],
  );

  if (!form) {
    return (
      <section>
        <Notice kind="error">{error}</Notice>
        {!error && <p class="muted">Loading…</p>}
      </section>
    );
  }

  const set = (key) => (e) => setForm({ ...form, [key]: e.target.value });
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  dirtyRef.current = dirty;

  const save = async () => {
    setError('');
    const sent = form;
    const body = toBody(sent);
    if (!body.name) throw new Error('Name is required.');
    if (!id) {
      const e = await post('/endpoints', body);
      dirtyRef.current = false;
      location.hash = `#/endpoints/${e.id}`;
      return e;
    }
    const e = await put(`/endpoints/${id}`, body);
    setEndpoint(e);
    // What the server kept is what is saved; edits typed meanwhile stay unsaved.
    const stored = toForm(e);
    setSaved(stored);
    setForm((f) => (JSON.stringify(f) === JSON.stringify(sent) ? stored : f));
    return e;
  };

  saveRef.current = () =>
    save().then(
      () => setInfo('Saved.'),
      (e) => setError(e.message),
    );

  /** Saves if needed (unless the caller just did), builds with live output; resolves to the
   * build's outcome. */
  const build = async (saveFirst = dirty) => {
    if (saveFirst) await save();
    setTab('output');
    setInfo('');
    setError('');
    setDiagnostics([]);
    setBuilding(true);
    const lines = [];
    setOutput({ lines, state: 'building', result: null });
    let result;
    try {
      result = await compileStreaming(id, (line) => {
        lines.push(line);
        setOutput({ lines: [...lines], state: 'building', result: null });
      });
    } catch (e) {
      result = { ok: false, status: 0, error: `the build stream broke: ${e.message}` };
    } finally {
      setBuilding(false);
    }
    setOutput({ lines: [...lines], state: result.ok ? 'ok' : 'failed', result });
    const current = await get(`/endpoints/${id}`);
    setEndpoint(current);
    if (result.ok) return result;
    const d = parseDiagnostics(result.error);
    setDiagnostics(d);
    const errors = d.filter((x) => x.severity === 'error');
    const serving = current.status === 'running' ? ' The previous version keeps serving.' : '';
    setError(
      errors.length
        ? `Compile failed: ${errors.length} error${errors.length > 1 ? 's' : ''}, first at line ${errors[0].line}.${serving}`
        : `Compile failed: ${result.error}${serving}`,
    );
    return result;
  };

  const compile = async () => {
    const r = await build(dirty);
    if (r.ok) setInfo(`✓ Compiled successfully in ${(r.data.duration_ms / 1000).toFixed(1)}s`);
  };

  /**
   * Deploy what the editor shows: save if edited, build only when the API says the saved
   * draft is not what the last build compiled (`draft_compiled`), then serve that build.
   * Start refuses (409) a draft edited since its build; that is shown in the API's words.
   */
  const deploy = async () => {
    setError('');
    if (dirty) await save();
    const draft = await get(`/endpoints/${id}`);
    setEndpoint(draft);
    if (!draft.draft_compiled && !(await build(false)).ok) return;
    let r;
    try {
      r = await post(`/endpoints/${id}/start`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setEndpoint(await get(`/endpoints/${id}`));
      throw e;
    }
    const after = await get(`/endpoints/${id}`);
    setEndpoint(after);
    const v = after.deployed ? ` v${after.deployed.version}` : '';
    const pending = r.old_requests_pending;
    setInfo(
      !r.draining
        ? `Deployed${v}: serving on the gateway port.`
        : pending > 0
          ? `Deployed${v}: hot-swapped; ${pending} request${pending > 1 ? 's' : ''} in flight finish on the old version.`
          : `Deployed${v}: hot-swapped; no request was in flight.`,
    );
  };

  const stop = async () => {
    setError('');
    await post(`/endpoints/${id}/stop`);
    setInfo('Stopped (requests in flight drain).');
    setEndpoint(await get(`/endpoints/${id}`));
  };

  const remove = async () => {
    if (!confirm(`Delete endpoint ${form.name}? It stops serving.`)) return;
    await del(`/endpoints/${id}`);
    dirtyRef.current = false;
    varsDirtyRef.current = false;
    location.hash = '#/endpoints';
  };

  const domainHosts = [...new Set(['*', ...domains.map((d) => d.host)])];
  const status = endpoint ? endpoint.status : 'new';

  return (
    <section class="endpoint">
      <div class="page-head">
        <h1>
          <a href="#/endpoints" class="crumb">
            Endpoints
          </a>{' '}
          / {id ? form.name || 'Endpoint' : 'New endpoint'}
        </h1>
        {endpoint && <StatusBadge status={status} draining={draining} reason={endpoint.quarantine} />}
        {endpoint && <DeployState endpoint={endpoint} />}
        {id && dirty && <span class="unsaved">Unsaved changes</span>}
        <div class="actions">
          <ActionButton onError={setError} action={save} disabled={id && !dirty}>
            Save
          </ActionButton>
          {id && (
            <>
              <ActionButton class="primary" onError={setError} action={compile} disabled={building}>
                Compile
              </ActionButton>
              <ActionButton
                onError={setError}
                action={deploy}
                disabled={building}
                title="Saves, builds the draft if it is not compiled yet, and serves it"
              >
                Deploy
              </ActionButton>
              <ActionButton onError={setError} action={stop} disabled={status !== 'running'}>
                Stop
              </ActionButton>
              <ActionButton class="danger" onError={setError} action={remove}>
                Delete
              </ActionButton>
            </>
          )}
        </div>
      </div>
      {endpoint && endpoint.quarantine && (
        <Notice kind="error">{endpoint.quarantine}</Notice>
      )}
      <Messages error={error} setError={setError} info={info} setInfo={setInfo} />
      <div class="endpoint-grid">
        <div class="code-col">
          <CodeEditor
            value={form.code}
            onChange={(code) => setForm((f) => ({ ...f, code }))}
            diagnostics={diagnostics}
            viewRef={view}
          />
          {id ? (
            <div class="panel">
              <div class="tabs" role="tablist">
                {[
                  ['output', 'Output'],
                  ['try', 'Try it'],
                  ['logs', 'Logs'],
                  ['figures', 'Figures'],
                  ['services', 'Services'],
                  ['variables', 'Variables'],
                ].map(([k, label]) => (
                  <button
                    type="button"
                    role="tab"
                    aria-selected={tab === k}
                    class={tab === k ? 'active' : ''}
                    onClick={() => setTab(k)}
                  >
                    {label}
                  </button>
                ))}
              </div>
              {tab === 'output' && (
                <OutputPanel output={output} onLine={(l, c) => goToLine(view.current, l, c)} endpoint={endpoint} />
              )}
              {tab === 'try' && endpoint && (
                <TryPanel endpoint={endpoint} base={(collections.find((c) => c.id === endpoint.collection_id) || {}).base_path} />
              )}
              {tab === 'logs' && <LogsPanel id={id} />}
              {tab === 'figures' && <FiguresPanel id={id} />}
              {tab === 'services' && <BindingsPanel id={id} />}
              {/* Kept while other tabs show, so rows being edited are not lost. */}
              <div hidden={tab !== 'variables'}>
                <VariablesPanel id={id} dirtyRef={varsDirtyRef} onSaved={setEndpoint} />
              </div>
            </div>
          ) : (
            <p class="muted">Save the endpoint to compile and deploy it.</p>
          )}
        </div>
        <form class="details" onSubmit={(e) => e.preventDefault()} aria-label="Endpoint details">
          <Field label="Name">
            <input name="name" required value={form.name} onInput={set('name')} placeholder="hello" />
          </Field>
          <div class="row2">
            <Field label="Method">
              <select name="method" value={form.method} onChange={set('method')}>
                {METHODS.map((m) => (
                  <option>{m}</option>
                ))}
              </select>
            </Field>
            <Field label="Path" hint="Parameters as {id}">
              <input name="path" value={form.path} onInput={set('path')} />
            </Field>
          </div>
          <Field label="Domain" hint="A host, or * for every host">
            <input name="domain" list="domain-hosts" value={form.domain} onInput={set('domain')} />
            <datalist id="domain-hosts">
              {domainHosts.map((h) => (
                <option value={h} />
              ))}
            </datalist>
          </Field>
          <Field label="Collection">
            <select name="collection_id" value={form.collection_id} onChange={set('collection_id')}>
              <option value="">None</option>
              {collections.map((c) => (
                <option value={c.id}>
                  {c.name}
                  {c.base_path ? ` (${c.base_path})` : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Max body (bytes)" hint={`Largest request body; 413 above. ${sizeText(form.max_body_bytes)}`}>
            <input
              name="max_body_bytes"
              inputmode="numeric"
              value={form.max_body_bytes}
              onInput={set('max_body_bytes')}
            />
          </Field>
          <Field label="Description">
            <textarea name="description" rows="2" value={form.description} onInput={set('description')} />
          </Field>
          <Field label="Dependencies" hint='Extra crates, JSON: {"regex": "1.10"}'>
            <textarea name="dependencies" rows="3" class="mono" value={form.dependencies} onInput={set('dependencies')} />
          </Field>
        </form>
      </div>
    </section>
  );
}
