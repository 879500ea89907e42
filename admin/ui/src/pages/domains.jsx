// Domains: the hosts endpoints are routed on. Create, edit, enable/disable, delete.
import { useEffect, useState } from 'preact/hooks';
import { get, post, put } from '../api.js';
import { ActionButton, Field, Notice, RowActions, RowEditActions } from '../components/ui.jsx';

function DomainRow({ d, onError, reload }) {
  const [edit, setEdit] = useState(null);
  if (edit) {
    const set = (k) => (e) => setEdit({ ...edit, [k]: e.target.value });
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
        <td />
        <td>
          <RowEditActions
            onError={onError}
            onCancel={() => setEdit(null)}
            onSave={async () => {
              await put(`/domains/${d.id}`, {
                name: edit.name.trim(),
                host: edit.host.trim(),
                description: edit.description.trim() || null,
              });
              setEdit(null);
              await reload();
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
      </td>
      <td class="hide-narrow">{d.description}</td>
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
          onEdit={() => setEdit({ name: d.name, host: d.host, description: d.description || '' })}
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
  const [form, setForm] = useState({ name: '', host: '', description: '' });
  const [error, setError] = useState('');
  const load = async () => {
    try {
      setDomains(await get('/domains'));
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const create = async () => {
    setError('');
    await post('/domains', {
      name: form.name.trim(),
      host: form.host.trim(),
      description: form.description.trim() || null,
    });
    setForm({ name: '', host: '', description: '' });
    await load();
  };
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
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
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => (
                <DomainRow key={d.id} d={d} onError={setError} reload={load} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
