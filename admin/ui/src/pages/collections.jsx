// Collections: groups of endpoints under a domain, with an optional base path. Create,
// edit, delete.
import { useEffect, useState } from 'preact/hooks';
import { get, post, put } from '../api.js';
import { ActionButton, Field, Notice, RowActions, RowEditActions } from '../components/ui.jsx';

function CollectionRow({ c, domainName, onError, reload }) {
  const [edit, setEdit] = useState(null);
  if (edit) {
    const set = (k) => (e) => setEdit({ ...edit, [k]: e.target.value });
    return (
      <tr data-collection={c.name} class="editing">
        <td>
          <input aria-label="Collection name" value={edit.name} onInput={set('name')} />
        </td>
        <td>{domainName}</td>
        <td>
          <input aria-label="Collection base path" value={edit.base_path} onInput={set('base_path')} />
        </td>
        <td class="hide-narrow">
          <input aria-label="Collection description" value={edit.description} onInput={set('description')} />
        </td>
        <td>
          <RowEditActions
            onError={onError}
            onCancel={() => setEdit(null)}
            onSave={async () => {
              await put(`/collections/${c.id}`, {
                name: edit.name.trim(),
                base_path: edit.base_path.trim() || null,
                description: edit.description.trim() || null,
              });
              await reload();
              setEdit(null);
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr data-collection={c.name}>
      <td>
        <a href={`#/endpoints?collection=${c.id}`}>{c.name}</a>
      </td>
      <td>{domainName}</td>
      <td>
        <code>{c.base_path || ''}</code>
      </td>
      <td class="hide-narrow">{c.description}</td>
      <td class="row-actions">
        <RowActions
          onEdit={() => setEdit({ name: c.name, base_path: c.base_path || '', description: c.description || '' })}
          label={`collection ${c.name}`}
          path={`/collections/${c.id}`}
          onError={onError}
          reload={reload}
        />
      </td>
    </tr>
  );
}

export function CollectionsPage() {
  const [collections, setCollections] = useState(null);
  const [domains, setDomains] = useState([]);
  const [form, setForm] = useState({ domain_id: '', name: '', base_path: '', description: '' });
  const [error, setError] = useState('');
  const load = async () => {
    try {
      const [c, d] = await Promise.all([get('/collections'), get('/domains')]);
      setCollections(c);
      setDomains(d);
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const create = async () => {
    setError('');
    if (!form.domain_id) throw new Error('Choose the domain the collection belongs to (create one under Domains).');
    await post('/collections', {
      domain_id: form.domain_id,
      name: form.name.trim(),
      base_path: form.base_path.trim() || null,
      description: form.description.trim() || null,
    });
    setForm({ ...form, name: '', base_path: '', description: '' });
    await load();
  };
  const domainName = Object.fromEntries(domains.map((d) => [d.id, `${d.name} (${d.host})`]));
  return (
    <section>
      <div class="page-head">
        <h1>Collections</h1>
      </div>
      <Notice kind="error" onClose={() => setError('')}>
        {error}
      </Notice>
      <form class="card inline-form" aria-label="New collection" onSubmit={(e) => e.preventDefault()}>
        <Field label="Domain">
          <select name="domain_id" value={form.domain_id} onChange={set('domain_id')}>
            <option value="">Choose…</option>
            {domains.map((d) => (
              <option value={d.id}>{domainName[d.id]}</option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input name="name" value={form.name} onInput={set('name')} placeholder="Pets" />
        </Field>
        <Field label="Base path">
          <input name="base_path" value={form.base_path} onInput={set('base_path')} placeholder="/v1" />
        </Field>
        <Field label="Description">
          <input name="description" value={form.description} onInput={set('description')} />
        </Field>
        <ActionButton class="primary" onError={setError} action={create}>
          Add collection
        </ActionButton>
      </form>
      {collections && collections.length === 0 && <p class="empty">No collections yet.</p>}
      {collections && collections.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-label="Collections">
            <thead>
              <tr>
                <th>Name</th>
                <th>Domain</th>
                <th>Base path</th>
                <th class="hide-narrow">Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {collections.map((c) => (
                <CollectionRow
                  key={c.id}
                  c={c}
                  domainName={domainName[c.domain_id] || c.domain_id}
                  onError={setError}
                  reload={load}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
