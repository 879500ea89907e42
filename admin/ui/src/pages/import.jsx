// Imports: an OpenAPI 3.x document (pasted or from a file) or a ZIP bundle, with the
// report of what was created.
import { useEffect, useState } from 'preact/hooks';
import { api, get, post } from '../api.js';
import { ActionButton, Field, Notice } from '../components/ui.jsx';

function Target({ value, onChange, collections, domains }) {
  const set = (k) => (e) => onChange({ ...value, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  return (
    <div class="row2">
      <Field label="Route on host" hint="* answers every host">
        <input name="domain" value={value.domain} onInput={set('domain')} />
      </Field>
      <Field label="Into collection">
        <select name="collection_id" value={value.collection_id} onChange={set('collection_id')}>
          <option value="">None</option>
          {collections.map((c) => (
            <option value={c.id}>{c.name}</option>
          ))}
        </select>
      </Field>
      {!value.collection_id && domains.length > 0 && (
        <label class="check">
          <input type="checkbox" name="create_collection" checked={value.create_collection} onChange={set('create_collection')} />{' '}
          Create a collection from the document, under{' '}
          <select aria-label="Domain of the new collection" value={value.domain_id} onChange={set('domain_id')}>
            {domains.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

function Report({ report }) {
  if (!report) return null;
  return (
    <div class="card report" aria-label="Import report" role="status">
      <h3>Import report</h3>
      <p>
        {report.endpoints_created} endpoint(s) created
        {report.endpoints_updated !== undefined && `, ${report.endpoints_updated} updated`}
        {report.handlers_matched !== undefined && `, ${report.handlers_matched} handler file(s) matched`}
        {report.compiled !== undefined && `, ${report.compiled} compiled, ${report.started} started`}
        {report.collection && ` in collection ${report.collection.name}`}.
      </p>
      {report.errors && report.errors.length > 0 && (
        <ul class="diagnostics">
          {report.errors.map((e) => (
            <li class="diag diag-error">
              <b>{e.handler}</b>: <pre class="console">{e.error}</pre>
            </li>
          ))}
        </ul>
      )}
      <table class="list" aria-label="Imported endpoints">
        <tbody>
          {report.endpoints.map((e) => (
            <tr>
              <td>
                <span class={`method method-${e.method}`}>{e.method}</span>
              </td>
              <td>
                <a href={`#/endpoints/${e.id}`}>
                  <code>{e.path}</code>
                </a>
              </td>
              <td>{e.name}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ImportPage() {
  const [collections, setCollections] = useState([]);
  const [domains, setDomains] = useState([]);
  const [target, setTarget] = useState({ domain: '*', collection_id: '', create_collection: false, domain_id: '' });
  const [spec, setSpec] = useState('');
  const [bundle, setBundle] = useState(null);
  const [compile, setCompile] = useState(true);
  const [start, setStart] = useState(true);
  const [report, setReport] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    (async () => {
      try {
        const [c, d] = await Promise.all([get('/collections'), get('/domains')]);
        setCollections(c);
        setDomains(d);
        if (d[0]) setTarget((t) => ({ ...t, domain_id: d[0].id }));
      } catch (e) {
        setError(e.message);
      }
    })();
  }, []);
  const common = () => ({
    domain: target.domain.trim() || '*',
    collection_id: target.collection_id || null,
    create_collection: !target.collection_id && target.create_collection,
    domain_id: !target.collection_id && target.create_collection ? target.domain_id : null,
  });
  const importSpec = async () => {
    setError('');
    setReport(null);
    if (!spec.trim()) throw new Error('Paste an OpenAPI document or choose a file first.');
    setReport(await post('/import/openapi', { spec, ...common() }));
  };
  const importBundle = async () => {
    setError('');
    setReport(null);
    if (!bundle) throw new Error('Choose a .zip bundle first.');
    const c = common();
    const q = new URLSearchParams({ domain: c.domain, compile: String(compile), start: String(compile && start) });
    if (c.collection_id) q.set('collection_id', c.collection_id);
    if (c.create_collection) {
      q.set('create_collection', 'true');
      q.set('domain_id', c.domain_id);
    }
    const form = new FormData();
    form.append('bundle', bundle);
    setReport(await api('POST', `/import/bundle?${q}`, form));
  };
  return (
    <section>
      <div class="page-head">
        <h1>Import</h1>
      </div>
      <Notice kind="error" onClose={() => setError('')}>
        {error}
      </Notice>
      <div class="card">
        <Target value={target} onChange={setTarget} collections={collections} domains={domains} />
      </div>
      <div class="import-grid">
        <form class="card" aria-label="OpenAPI import" onSubmit={(e) => e.preventDefault()}>
          <h2>OpenAPI document</h2>
          <p class="muted">One endpoint per operation, with stub code answering 501 until you write it.</p>
          <Field label="Document (YAML or JSON)">
            <textarea name="spec" rows="12" class="mono" value={spec} onInput={(e) => setSpec(e.target.value)} />
          </Field>
          <Field label="…or a file">
            <input
              type="file"
              name="spec_file"
              accept=".yaml,.yml,.json"
              onChange={async (e) => {
                const f = e.target.files[0];
                if (f) setSpec(await f.text());
              }}
            />
          </Field>
          <ActionButton class="primary" onError={setError} action={importSpec}>
            Import document
          </ActionButton>
        </form>
        <form class="card" aria-label="Bundle import" onSubmit={(e) => e.preventDefault()}>
          <h2>Bundle (.zip)</h2>
          <p class="muted">An OpenAPI document, handlers/*.rs and an optional bundle.yaml.</p>
          <Field label="Bundle">
            <input type="file" name="bundle" accept=".zip" onChange={(e) => setBundle(e.target.files[0] || null)} />
          </Field>
          <label class="check">
            <input type="checkbox" checked={compile} onChange={(e) => setCompile(e.target.checked)} /> Compile
          </label>
          <label class="check">
            <input type="checkbox" checked={start} disabled={!compile} onChange={(e) => setStart(e.target.checked)} /> Deploy
          </label>
          <ActionButton class="primary" onError={setError} action={importBundle}>
            Upload bundle
          </ActionButton>
        </form>
      </div>
      <Report report={report} />
    </section>
  );
}
