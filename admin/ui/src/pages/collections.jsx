// Collections: groups of endpoints under a domain, with an optional base path.
import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api.js';
import { ActionButton, Field, Notice } from '../components/ui.jsx';

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
                <tr data-collection={c.name}>
                  <td>
                    <a href={`#/endpoints?collection=${c.id}`}>{c.name}</a>
                  </td>
                  <td>{domainName[c.domain_id] || c.domain_id}</td>
                  <td>
                    <code>{c.base_path || ''}</code>
                  </td>
                  <td class="hide-narrow">{c.description}</td>
                  <td>
                    <ActionButton
                      class="small danger"
                      onError={setError}
                      action={async () => {
                        if (!confirm(`Delete collection ${c.name} and its endpoints?`)) return;
                        await del(`/collections/${c.id}`);
                        await load();
                      }}
                    >
                      Delete
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
