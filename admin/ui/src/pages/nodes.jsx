// Nodes: the gateway nodes sharing this config store (cluster mode), each with its
// addresses, version, ABI fingerprint, last heartbeat and what it serves; an endpoint whose
// nodes that are up serve different versions is flagged. Without a cluster, this node alone.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { Messages } from '../components/ui.jsx';

/** The short form of an ABI fingerprint: its source hash, the full text as the title. */
function Fingerprint({ value }) {
  const src = /src ([0-9a-f]+)/.exec(value || '');
  return (
    <code class="node-fingerprint" title={value}>
      {src ? src[1] : value}
    </code>
  );
}

function versionOf(node, id) {
  const s = node.serving[id];
  return s && s.version != null ? `v${s.version}` : 'not served';
}

export function NodesPage() {
  const [data, setData] = useState(null);
  const [endpoints, setEndpoints] = useState([]);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const load = async () => {
    try {
      const [n, e] = await Promise.all([get('/nodes'), get('/endpoints')]);
      setData(n);
      setEndpoints(e);
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
    const t = setInterval(load, 3000);
    return () => clearInterval(t);
  }, []);
  const nameOf = (id) => endpoints.find((e) => e.id === id)?.name || id;
  const split = data ? Object.keys(data.disagreements) : [];
  return (
    <section>
      <div class="page-head">
        <h1>Nodes</h1>
      </div>
      <Messages error={error} setError={setError} info={info} setInfo={setInfo} />
      {data && !data.cluster && (
        <p class="muted" data-single-node>
          One node with its own SQLite store. Start nodes with <code>--store postgres://...</code> and{' '}
          <code>--artifacts s3://...</code> to run a cluster (docs/cluster.md).
        </p>
      )}
      {split.length > 0 && (
        <div class="notice notice-warn" role="alert" data-disagreements={split.length}>
          {split.length === 1 ? 'One endpoint is' : `${split.length} endpoints are`} not served at the same version
          on every node:{' '}
          {split.map((id) => (
            <span class="node-split" data-endpoint={id}>
              <a href={`#/endpoints/${id}`}>{nameOf(id)}</a> (
              {Object.entries(data.disagreements[id])
                .map(([node, v]) => `${node}: ${v == null ? 'not served' : `v${v}`}`)
                .join(', ')}
              ){' '}
            </span>
          ))}
        </div>
      )}
      {data && (
        <div class="table-wrap">
          <table class="list" aria-label="Nodes">
            <thead>
              <tr>
                <th>Node</th>
                <th>State</th>
                <th>Gateway</th>
                <th class="hide-narrow">Admin</th>
                <th>Version</th>
                <th class="hide-narrow">ABI</th>
                <th>Serving</th>
              </tr>
            </thead>
            <tbody>
              {data.nodes.map((n) => (
                <tr data-node={n.id} class={n.state === 'down' ? 'node-down' : ''}>
                  <td>
                    {n.id}
                    {n.id === data.this_node && <span class="muted small"> (this node)</span>}
                  </td>
                  <td class={`node-state node-${n.state}`} title={`last heartbeat ${n.last_heartbeat}`}>
                    {n.state === 'up' ? 'up' : `down (no heartbeat for ${n.heartbeat_age_seconds} s)`}
                  </td>
                  <td>
                    <code>{n.gateway_address}</code>
                  </td>
                  <td class="hide-narrow">
                    <code>{n.admin_address}</code>
                  </td>
                  <td>{n.version}</td>
                  <td class="hide-narrow">
                    <Fingerprint value={n.fingerprint} />
                  </td>
                  <td>
                    <ul class="node-serving">
                      {Object.keys(n.serving).map((id) => (
                        <li data-endpoint={id} class={split.includes(id) ? 'node-split' : ''}>
                          {nameOf(id)}: {versionOf(n, id)}
                          {n.serving[id].error && <span class="muted small"> ({n.serving[id].error})</span>}
                        </li>
                      ))}
                    </ul>
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
