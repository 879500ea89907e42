// The endpoint list: status badges and deploy states, filters by domain and collection,
// request figures.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { DeployState, Notice, StatusBadge, ms } from '../components/ui.jsx';

export function EndpointsPage({ query }) {
  const [endpoints, setEndpoints] = useState(null);
  const [collections, setCollections] = useState([]);
  const [hosts, setHosts] = useState([]);
  const [stats, setStats] = useState({ endpoints: [], draining_endpoints: [] });
  const [error, setError] = useState('');
  const domain = query.get('domain') || '';
  const collection = query.get('collection') || '';

  // Only the answer to the latest request counts (a slow one for an old filter is dropped).
  const seq = useRef(0);
  const load = async () => {
    const mine = ++seq.current;
    try {
      const q = new URLSearchParams();
      if (domain) q.set('domain', domain);
      if (collection) q.set('collection_id', collection);
      const [eps, cols, st, doms] = await Promise.all([
        get(`/endpoints${q.toString() ? `?${q}` : ''}`),
        get('/collections'),
        get('/stats'),
        get('/domains'),
      ]);
      if (mine !== seq.current) return;
      setEndpoints(eps);
      setCollections(cols);
      // Hosts to filter by: every domain's, plus those endpoints use without a domain entry.
      setHosts((h) => [...new Set([...h, '*', ...doms.map((d) => d.host), ...eps.map((e) => e.domain)])].sort());
      setStats(st);
      setError('');
    } catch (e) {
      if (mine === seq.current) setError(e.message);
    }
  };
  useEffect(() => {
    load();
    const t = setInterval(load, 3000);
    return () => {
      seq.current++;
      clearInterval(t);
    };
  }, [domain, collection]);

  const setFilter = (key, value) => {
    const q = new URLSearchParams(query);
    if (value) q.set(key, value);
    else q.delete(key);
    location.hash = `#/endpoints${q.toString() ? `?${q}` : ''}`;
  };
  const perId = Object.fromEntries((stats.endpoints || []).map((m) => [m.id, m]));
  const draining = new Set(stats.draining_endpoints || []);
  const colName = Object.fromEntries(collections.map((c) => [c.id, c.name]));
  const basePath = Object.fromEntries(collections.map((c) => [c.id, c.base_path || '']));
  const domains = [...new Set([...hosts, domain].filter(Boolean))].sort();

  return (
    <section>
      <div class="page-head">
        <h1>Endpoints</h1>
        <a class="button primary" href="#/endpoints/new">
          + Create Endpoint
        </a>
      </div>
      <div class="filters">
        <label>
          Domain{' '}
          <select aria-label="Filter by domain" value={domain} onChange={(e) => setFilter('domain', e.target.value)}>
            <option value="">All</option>
            {domains.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Collection{' '}
          <select
            aria-label="Filter by collection"
            value={collection}
            onChange={(e) => setFilter('collection', e.target.value)}
          >
            <option value="">All</option>
            {collections.map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        </label>
      </div>
      <Notice kind="error">{error}</Notice>
      {endpoints && endpoints.length === 0 && (
        <p class="empty">
          No endpoints{domain || collection ? ' match these filters' : ' yet'}.{' '}
          <a href="#/endpoints/new">Create one</a> or <a href="#/import">import an OpenAPI document</a>.
        </p>
      )}
      {endpoints && endpoints.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-label="Endpoints">
            <thead>
              <tr>
                <th>Status</th>
                <th>Method</th>
                <th>Path</th>
                <th>Name</th>
                <th class="hide-narrow">Domain</th>
                <th class="hide-narrow">Collection</th>
                <th class="num">Requests</th>
                <th class="num hide-narrow">Errors</th>
                <th class="num hide-narrow">p50</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => {
                const m = perId[e.id];
                return (
                  <tr data-endpoint={e.name}>
                    <td>
                      <StatusBadge status={e.status} draining={draining.has(e.id)} reason={e.quarantine} />
                      <DeployState endpoint={e} />
                    </td>
                    <td>
                      <span class={`method method-${e.method}`}>{e.method}</span>
                    </td>
                    <td>
                      <a href={`#/endpoints/${e.id}`}>
                        <code>
                          {basePath[e.collection_id] && <span class="muted">{basePath[e.collection_id]}</span>}
                          {e.path}
                        </code>
                      </a>
                    </td>
                    <td>{e.name}</td>
                    <td class="hide-narrow">{e.domain}</td>
                    <td class="hide-narrow">{colName[e.collection_id] || ''}</td>
                    <td class="num">{m ? m.requests : '–'}</td>
                    <td class="num hide-narrow">{m ? m.client_errors + m.server_errors : '–'}</td>
                    <td class="num hide-narrow">{m ? ms(m.latency_ms_p50) : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
