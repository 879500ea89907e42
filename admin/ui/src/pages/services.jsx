// Services: create by type (a form with that type's documented fields), test the
// connection, activate/deactivate, edit, delete, bind to an endpoint under a pool id.
import { useEffect, useState } from 'preact/hooks';
import { del, get, post, put } from '../api.js';
import { ActionButton, Field, Messages, Notice, ms } from '../components/ui.jsx';
import { SERVICE_TYPES, configFrom } from '../service-types.js';

function ConfigFields({ type, values, onChange }) {
  const set = (key, v) => onChange({ ...values, [key]: v });
  return (
    <div class="config-fields">
      {SERVICE_TYPES[type].fields.map((f) => {
        const id = `cfg-${f.key}`;
        if (f.kind === 'bool') {
          const checked = values[f.key] === undefined ? f.default : Boolean(values[f.key]);
          return (
            <label class="check" for={id}>
              <input id={id} name={f.key} type="checkbox" checked={checked} onChange={(e) => set(f.key, e.target.checked)} />{' '}
              {f.label}
            </label>
          );
        }
        if (f.kind === 'select') {
          return (
            <Field label={f.label}>
              <select name={f.key} value={values[f.key] ?? f.options[0]} onChange={(e) => set(f.key, e.target.value)}>
                {f.options.map((o) => (
                  <option>{o}</option>
                ))}
              </select>
            </Field>
          );
        }
        return (
          <Field label={f.required ? `${f.label} *` : f.label}>
            <input
              name={f.key}
              type={f.kind === 'password' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
              placeholder={f.placeholder || ''}
              value={values[f.key] ?? ''}
              onInput={(e) => set(f.key, e.target.value)}
              autocomplete="off"
            />
          </Field>
        );
      })}
    </div>
  );
}

function ServiceForm({ service, onDone, onCancel }) {
  const [type, setType] = useState(service ? service.service_type : 'sqlite');
  const [name, setName] = useState(service ? service.name : '');
  const [values, setValues] = useState(service ? { ...service.config } : { protocol: 'ftp' });
  const [error, setError] = useState('');
  const [tested, setTested] = useState(null);
  const tryIt = async () => {
    setError('');
    setTested({ pending: true });
    const config = configFrom(type, values, Boolean(service));
    try {
      setTested(await post('/services/test', { service_type: type, config, id: service ? service.id : undefined }));
    } catch (e) {
      setTested(null);
      throw e;
    }
  };
  const save = async () => {
    setError('');
    if (!name.trim()) throw new Error('Name is required.');
    const config = configFrom(type, values, Boolean(service));
    const s = service
      ? await put(`/services/${service.id}`, { name: name.trim(), config })
      : await post('/services', { name: name.trim(), service_type: type, config });
    onDone(s);
  };
  return (
    <form class="card service-form" aria-label={service ? 'Edit service' : 'New service'} onSubmit={(e) => e.preventDefault()}>
      <h2>{service ? `Edit ${service.name}` : 'New service'}</h2>
      <div class="row2">
        <Field label="Type">
          <select name="service_type" value={type} disabled={!!service} onChange={(e) => setType(e.target.value)}>
            {Object.entries(SERVICE_TYPES).map(([k, t]) => (
              <option value={k}>{t.label}</option>
            ))}
          </select>
        </Field>
        <Field label="Name" hint="Handlers can use it: ctx.database(name)">
          <input name="name" value={name} onInput={(e) => setName(e.target.value)} placeholder="main-db" />
        </Field>
      </div>
      <ConfigFields
        type={type}
        values={values}
        onChange={(v) => {
          setValues(v);
          setTested(null); // a result describes the settings it was made with
        }}
      />
      <TestResult result={tested} />
      <Notice kind="error">{error}</Notice>
      <div class="row">
        <ActionButton onError={setError} action={tryIt}>
          Test connection
        </ActionButton>
        <ActionButton class="primary" onError={setError} action={save}>
          Save
        </ActionButton>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The outcome of a connection test: latency, or the backend's reason. */
function TestResult({ result }) {
  if (!result) return null;
  return (
    <div class={`test-result ${result.pending ? '' : result.connected ? 'ok' : 'bad'}`} role="status">
      {result.pending
        ? 'Testing…'
        : result.connected
          ? `Connected in ${ms(result.latency_ms)}`
          : `Not connected: ${result.error}`}
    </div>
  );
}

/** The endpoints bound to a service, each with its pool id and an Unbind. */
function UsedBy({ service, users, onError, reload }) {
  if (users.length === 0) return <p class="muted small">Not bound to any endpoint.</p>;
  return (
    <ul class="used-by" aria-label={`Endpoints using ${service.name}`}>
      {users.map((u) => (
        <li>
          <a href={`#/endpoints/${u.endpoint_id}`}>
            <span class={`method method-${u.method}`}>{u.method}</span> <code>{u.path}</code>
          </a>{' '}
          as <code>{u.pool_id}</code>{' '}
          <ActionButton
            class="link"
            onError={onError}
            title={`Unbind ${service.name} from ${u.method} ${u.path}`}
            action={async () => {
              await del(`/endpoints/${u.endpoint_id}/services/${service.id}`);
              await reload();
            }}
          >
            unbind
          </ActionButton>
        </li>
      ))}
    </ul>
  );
}

function BindForm({ service, endpoints, onError, onDone }) {
  const [endpointId, setEndpointId] = useState('');
  const [poolId, setPoolId] = useState('');
  const bind = async () => {
    if (!endpointId) throw new Error('Choose an endpoint to bind to.');
    await post(`/endpoints/${endpointId}/services`, { service_id: service.id, pool_id: poolId.trim() });
    const ep = endpoints.find((e) => e.id === endpointId);
    onDone(`Bound ${service.name} to ${ep.method} ${ep.path} as "${poolId.trim()}".`);
    setPoolId('');
  };
  return (
    <div class="inline-form">
      <select aria-label={`Endpoint for ${service.name}`} value={endpointId} onChange={(e) => setEndpointId(e.target.value)}>
        <option value="">Bind to endpoint…</option>
        {endpoints.map((e) => (
          <option value={e.id}>
            {e.method} {e.path} ({e.name})
          </option>
        ))}
      </select>
      <input aria-label={`Pool id for ${service.name}`} placeholder="pool id" value={poolId} onInput={(e) => setPoolId(e.target.value)} />
      <ActionButton class="small" onError={onError} action={bind}>
        Bind
      </ActionButton>
    </div>
  );
}

export function ServicesPage() {
  const [services, setServices] = useState(null);
  const [endpoints, setEndpoints] = useState([]);
  const [editing, setEditing] = useState(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [tests, setTests] = useState({});
  const [users, setUsers] = useState({});
  const load = async () => {
    try {
      const [s, e] = await Promise.all([get('/services'), get('/endpoints')]);
      const used = await Promise.all(s.map((x) => get(`/services/${x.id}/endpoints`)));
      setServices(s);
      setEndpoints(e);
      setUsers(Object.fromEntries(s.map((x, i) => [x.id, used[i]])));
    } catch (err) {
      setError(err.message);
    }
  };
  useEffect(() => {
    load();
  }, []);

  const act = (svc, verb) => async () => {
    setError('');
    setInfo('');
    await post(`/services/${svc.id}/${verb}`);
    setInfo(`${svc.name} ${verb === 'activate' ? 'is active' : 'is stopped'}.`);
    await load();
  };
  const test = (svc) => async () => {
    setTests({ ...tests, [svc.id]: { pending: true } });
    try {
      const r = await post(`/services/${svc.id}/test`);
      setTests((t) => ({ ...t, [svc.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [svc.id]: { connected: false, error: e.message } }));
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Services</h1>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          + Create Service
        </button>
      </div>
      <Messages error={error} setError={setError} info={info} setInfo={setInfo} />
      {editing && (
        <ServiceForm
          key={editing === 'new' ? 'new' : editing.id}
          service={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onDone={async (s) => {
            setEditing(null);
            setInfo(`Saved service ${s.name}.`);
            await load();
          }}
        />
      )}
      {services && services.length === 0 && !editing && (
        <p class="empty">No services yet. Create one to reach a database, cache, object store, file server or SMTP server.</p>
      )}
      <div class="cards">
        {(services || []).map((s) => {
          const t = tests[s.id];
          return (
            <article class="card service" data-service={s.name} aria-label={`Service ${s.name}`}>
              <div class="card-head">
                <h3>{s.name}</h3>
                <span class="muted">{SERVICE_TYPES[s.service_type] ? SERVICE_TYPES[s.service_type].label : s.service_type}</span>
                <span class={`badge ${s.active ? 'badge-running' : 'badge-stopped'}`} data-active={String(s.active)}>
                  {s.active ? 'Active' : 'Inactive'}
                </span>
              </div>
              <div class="muted small mono config-line">
                {Object.entries(s.config)
                  .filter(([, v]) => v !== null && v !== '')
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' · ')}
              </div>
              <TestResult result={t} />
              <UsedBy service={s} users={users[s.id] || []} onError={setError} reload={load} />
              <div class="row wrap">
                <ActionButton class="small" onError={setError} action={test(s)}>
                  Test connection
                </ActionButton>
                {s.active ? (
                  <ActionButton class="small" onError={setError} action={act(s, 'deactivate')}>
                    Deactivate
                  </ActionButton>
                ) : (
                  <ActionButton class="small primary" onError={setError} action={act(s, 'activate')}>
                    Activate
                  </ActionButton>
                )}
                <button type="button" class="small" onClick={() => setEditing(s)}>
                  Edit
                </button>
                <ActionButton
                  class="small danger"
                  onError={setError}
                  action={async () => {
                    const n = (users[s.id] || []).length;
                    const note = n ? ` ${n} endpoint(s) are bound to it and will lose it.` : '';
                    if (!confirm(`Delete service ${s.name}?${note}`)) return;
                    await del(`/services/${s.id}`);
                    await load();
                  }}
                >
                  Delete
                </ActionButton>
              </div>
              <BindForm
                service={s}
                endpoints={endpoints}
                onError={setError}
                onDone={async (m) => {
                  setInfo(m);
                  await load();
                }}
              />
            </article>
          );
        })}
      </div>
    </section>
  );
}
