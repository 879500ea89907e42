// Domains: the hosts endpoints are routed on. Create, edit, enable/disable, delete; per
// domain its HTTPS redirect and HSTS, and whether a certificate covers its host.
import { useEffect, useState } from 'preact/hooks';
import { get, post, put } from '../api.js';
import { coveringCert, expiry } from '../certs.js';
import { ActionButton, Field, Notice, RowActions, RowEditActions } from '../components/ui.jsx';
import { Expiry } from './certificates.jsx';

/** The HSTS field's text as the API wants it: empty is null (no header). */
function hstsValue(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  const n = Number(t);
  if (!Number.isInteger(n)) throw new Error(`HSTS max-age must be a whole number of seconds (or empty for no header), not "${t}".`);
  return n;
}

/** The form's fields as the API's domain body. */
function body(f) {
  return {
    name: f.name.trim(),
    host: f.host.trim(),
    description: f.description.trim() || null,
    https_redirect: f.https_redirect,
    hsts_max_age: hstsValue(f.hsts_max_age),
  };
}

const EMPTY = { name: '', host: '', description: '', https_redirect: false, hsts_max_age: '' };

/** A form's value from an input: checkboxes give their state. */
const value = (e) => (e.target.type === 'checkbox' ? e.target.checked : e.target.value);

/** "TLS: covered by <id> (expires in 9 days)" or "TLS: no certificate". */
function TlsState({ host, certs }) {
  if (!certs) return null;
  const c = coveringCert(host, certs);
  if (!c) {
    return (
      <span class="tls-state tls-none" data-tls="none">
        TLS: no certificate
      </span>
    );
  }
  const expired = expiry(c).state === 'expired';
  return (
    <span class={`tls-state tls-covered ${expired ? 'tls-expired' : ''}`} data-tls="covered" data-cert={c.id}>
      TLS: covered by{' '}
      <a href="#/certificates">
        <code>{c.id}</code>
      </a>{' '}
      (<Expiry cert={c} />)
    </span>
  );
}

/** The HTTPS settings of a domain in words. */
function HttpsSettings({ d }) {
  const parts = [];
  if (d.https_redirect) parts.push('redirect to HTTPS');
  if (d.hsts_max_age !== null && d.hsts_max_age !== undefined) parts.push(`HSTS ${d.hsts_max_age} s`);
  return (
    <span class={`domain-https ${parts.length ? '' : 'muted'}`} data-redirect={String(Boolean(d.https_redirect))} data-hsts={d.hsts_max_age ?? ''}>
      {parts.length ? parts.join(', ') : 'no redirect, no HSTS'}
    </span>
  );
}

function HttpsInputs({ value: v, set, label }) {
  return (
    <>
      <label class="check">
        <input type="checkbox" aria-label={`${label} HTTPS redirect`} checked={v.https_redirect} onChange={set('https_redirect')} />{' '}
        Redirect HTTP to HTTPS
      </label>
      <input
        type="number"
        min="0"
        max="315360000"
        step="1"
        aria-label={`${label} HSTS max-age`}
        placeholder="HSTS max-age (s)"
        value={v.hsts_max_age}
        onInput={set('hsts_max_age')}
      />
    </>
  );
}

function DomainRow({ d, certs, onError, reload }) {
  const [edit, setEdit] = useState(null);
  if (edit) {
    const set = (k) => (e) => setEdit({ ...edit, [k]: value(e) });
    return (
      <tr data-domain={d.host} class="editing">
        <td>
          <input aria-label="Domain name" value={edit.name} onInput={set('name')} />
        </td>
        <td>
          <input aria-label="Domain host" value={edit.host} onInput={set('host')} />
        </td>
        <td class="hide-narrow">
          <input aria-label="Domain description" value={edit.description} onInput={set('description')} />
        </td>
        <td>
          <HttpsInputs value={edit} set={set} label="Domain" />
        </td>
        <td />
        <td>
          <RowEditActions
            onError={onError}
            onCancel={() => setEdit(null)}
            onSave={async () => {
              onError('');
              await put(`/domains/${d.id}`, body(edit));
              await reload();
              setEdit(null);
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr data-domain={d.host}>
      <td>{d.name}</td>
      <td>
        <a href={`#/endpoints?domain=${encodeURIComponent(d.host)}`}>
          <code>{d.host}</code>
        </a>
        <TlsState host={d.host} certs={certs} />
      </td>
      <td class="hide-narrow">{d.description}</td>
      <td>
        <HttpsSettings d={d} />
      </td>
      <td>
        <ActionButton
          class="small"
          onError={onError}
          title={d.enabled ? 'Click to disable' : 'Click to enable'}
          action={async () => {
            await put(`/domains/${d.id}`, { enabled: !d.enabled });
            await reload();
          }}
        >
          {d.enabled ? 'Enabled' : 'Disabled'}
        </ActionButton>
      </td>
      <td class="row-actions">
        <RowActions
          onEdit={() =>
            setEdit({
              name: d.name,
              host: d.host,
              description: d.description || '',
              https_redirect: Boolean(d.https_redirect),
              hsts_max_age: d.hsts_max_age ?? '',
            })
          }
          label={`domain ${d.name}`}
          path={`/domains/${d.id}`}
          onError={onError}
          reload={reload}
        />
      </td>
    </tr>
  );
}

export function DomainsPage() {
  const [domains, setDomains] = useState(null);
  const [certs, setCerts] = useState(null);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState('');
  const load = async () => {
    try {
      const [d, c] = await Promise.all([get('/domains'), get('/certificates')]);
      setDomains(d);
      setCerts(c);
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const create = async () => {
    setError('');
    await post('/domains', body(form));
    setForm(EMPTY);
    await load();
  };
  const set = (k) => (e) => setForm({ ...form, [k]: value(e) });
  return (
    <section>
      <div class="page-head">
        <h1>Domains</h1>
      </div>
      <Notice kind="error" onClose={() => setError('')}>
        {error}
      </Notice>
      <form class="card inline-form" aria-label="New domain" onSubmit={(e) => e.preventDefault()}>
        <Field label="Name">
          <input name="name" value={form.name} onInput={set('name')} placeholder="Public API" />
        </Field>
        <Field label="Host">
          <input name="host" value={form.host} onInput={set('host')} placeholder="api.example.com" />
        </Field>
        <Field label="Description">
          <input name="description" value={form.description} onInput={set('description')} />
        </Field>
        <Field label="HSTS max-age (s)" hint="Empty: no HSTS header">
          <input
            type="number"
            name="hsts_max_age"
            min="0"
            max="315360000"
            step="1"
            value={form.hsts_max_age}
            onInput={set('hsts_max_age')}
            placeholder="31536000"
          />
        </Field>
        <label class="check">
          <input type="checkbox" name="https_redirect" checked={form.https_redirect} onChange={set('https_redirect')} /> Redirect HTTP
          to HTTPS
        </label>
        <ActionButton class="primary" onError={setError} action={create}>
          Add domain
        </ActionButton>
      </form>
      {domains && domains.length === 0 && <p class="empty">No domains yet; endpoints on * answer every host.</p>}
      {domains && domains.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-label="Domains">
            <thead>
              <tr>
                <th>Name</th>
                <th>Host</th>
                <th class="hide-narrow">Description</th>
                <th>HTTPS</th>
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => (
                <DomainRow key={d.id} d={d} certs={certs} onError={setError} reload={load} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
