// The services this endpoint reaches by pool id (ctx.database("main") and friends).
import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../../api.js';
import { ActionButton, Field, Notice } from '../../components/ui.jsx';

export function BindingsPanel({ id }) {
  const [bindings, setBindings] = useState([]);
  const [services, setServices] = useState([]);
  const [serviceId, setServiceId] = useState('');
  const [poolId, setPoolId] = useState('');
  const [error, setError] = useState('');
  const load = async () => {
    try {
      const [b, s] = await Promise.all([get(`/endpoints/${id}/services`), get('/services')]);
      setBindings(b);
      setServices(s);
      setError('');
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, [id]);
  const byId = Object.fromEntries(services.map((s) => [s.id, s]));
  const bind = async () => {
    setError('');
    if (!serviceId) throw new Error('Choose a service to bind.');
    setBindings(await post(`/endpoints/${id}/services`, { service_id: serviceId, pool_id: poolId.trim() }));
    setPoolId('');
  };
  return (
    <div class="bindings">
      <Notice kind="error">{error}</Notice>
      {bindings.length === 0 ? (
        <p class="muted">No services bound. Handlers can still reach a service by its name.</p>
      ) : (
        <table class="list" aria-label="Bound services">
          <thead>
            <tr>
              <th>Pool id</th>
              <th>Service</th>
              <th>Type</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {bindings.map((b) => (
              <tr>
                <td>
                  <code>{b.pool_id}</code>
                </td>
                <td>{byId[b.service_id] ? byId[b.service_id].name : b.service_id}</td>
                <td>{byId[b.service_id] ? byId[b.service_id].service_type : ''}</td>
                <td>
                  <ActionButton
                    class="small"
                    onError={setError}
                    action={async () => {
                      await del(`/endpoints/${id}/services/${b.service_id}`);
                      await load();
                    }}
                  >
                    Unbind
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="inline-form">
        <Field label="Service">
          <select aria-label="Service to bind" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <option value="">Choose…</option>
            {services.map((s) => (
              <option value={s.id}>
                {s.name} ({s.service_type})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Pool id" hint="The name the code uses">
          <input aria-label="Pool id" value={poolId} onInput={(e) => setPoolId(e.target.value)} placeholder="main" />
        </Field>
        <ActionButton onError={setError} action={bind}>
          Bind
        </ActionButton>
      </div>
    </div>
  );
}
