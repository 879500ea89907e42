// The admin UI: shell, navigation (by URL fragment), the token prompt.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { mayLeave } from './leave.js';
import { askAgain, get, onTokenNeeded, setToken, token, tokenDeclined } from './api.js';
import { EndpointsPage } from './pages/endpoints.jsx';
import { EndpointPage } from './pages/endpoint.jsx';
import { DomainsPage } from './pages/domains.jsx';
import { CollectionsPage } from './pages/collections.jsx';
import { ServicesPage } from './pages/services.jsx';
import { ImportPage } from './pages/import.jsx';
import './style.css';

const NAV = [
  ['#/endpoints', 'Endpoints'],
  ['#/domains', 'Domains'],
  ['#/collections', 'Collections'],
  ['#/services', 'Services'],
  ['#/import', 'Import'],
];

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/endpoints');
  useEffect(() => {
    let current = location.hash || '#/endpoints';
    const on = () => {
      const next = location.hash || '#/endpoints';
      if (next === current) return;
      // A page with unsaved work may refuse; the address goes back.
      if (!mayLeave()) {
        history.replaceState(null, '', current);
        return;
      }
      current = next;
      setHash(next);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function route(hash) {
  const [path, query = ''] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean);
  return { parts, query: new URLSearchParams(query) };
}

function Page({ hash }) {
  const { parts, query } = route(hash);
  switch (parts[0]) {
    case 'endpoints':
      if (parts[1]) return <EndpointPage key={parts[1]} id={parts[1] === 'new' ? null : parts[1]} />;
      return <EndpointsPage query={query} />;
    case 'domains':
      return <DomainsPage />;
    case 'collections':
      return <CollectionsPage />;
    case 'services':
      return <ServicesPage />;
    case 'import':
      return <ImportPage />;
    default:
      return <EndpointsPage query={query} />;
  }
}

/** Asks for the admin token once; the answer is kept in sessionStorage. */
function TokenDialog({ ask }) {
  const [value, setValue] = useState('');
  if (!ask) return null;
  const submit = (e) => {
    e.preventDefault();
    ask.resolve(value.trim() || null);
  };
  return (
    <div class="modal-backdrop">
      <form class="modal" onSubmit={submit} aria-labelledby="token-title">
        <h2 id="token-title">Admin token</h2>
        <p class="muted">
          {token()
            ? 'The API refused the token given. Enter the one the gateway was started with.'
            : 'This gateway protects its management API: enter the token it was started with (--admin-token or REG_ADMIN_TOKEN).'}
        </p>
        <label class="field">
          <span class="field-label">Token</span>
          <input type="password" name="token" autoFocus value={value} onInput={(e) => setValue(e.target.value)} />
          <span class="field-hint">Kept for this browser tab's session only.</span>
        </label>
        <div class="row">
          <button class="primary" type="submit">Continue</button>
          <button type="button" onClick={() => ask.resolve(null)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function Header({ hash }) {
  const [health, setHealth] = useState(null);
  const [stats, setStats] = useState(null);
  useEffect(() => {
    let alive = true;
    const tick = async () => {
      try {
        const [h, s] = await Promise.all([get('/health'), get('/stats')]);
        if (alive) {
          setHealth(h);
          setStats(s);
        }
      } catch (e) {
        if (alive) setHealth({ status: 'unreachable', error: e.message });
      }
    };
    tick();
    const t = setInterval(tick, 3000);
    addEventListener('reg-changed', tick);
    return () => {
      alive = false;
      clearInterval(t);
      removeEventListener('reg-changed', tick);
    };
  }, [hash]);
  return (
    <div class="health" aria-live="polite">
      {health && (
        <span class={`dot ${health.status === 'healthy' ? 'dot-ok' : 'dot-bad'}`} title={health.error || health.status} />
      )}
      {stats && (
        <span class="muted">
          {stats.endpoints_running}/{stats.endpoints_total} running · {stats.requests_handled} requests · up{' '}
          {stats.uptime_seconds}s
        </span>
      )}
      {health && health.version && <span class="muted">v{health.version}</span>}
      {tokenDeclined() && (
        <button class="link" type="button" onClick={() => askAgain().then((ok) => ok && location.reload())}>
          Enter token
        </button>
      )}
      {token() && !tokenDeclined() && (
        <button
          class="link"
          type="button"
          onClick={() => {
            setToken('');
            location.reload();
          }}
        >
          Forget token
        </button>
      )}
    </div>
  );
}

// The token prompt is wired before any page renders: pages fetch in their first effects,
// which run before App's own.
let showAsk = null;
let queuedAsk = null;
let pendingAsk = null;
onTokenNeeded(
  (reason) =>
    pendingAsk ||
    (pendingAsk = new Promise((resolve) => {
      const ask = {
        reason,
        resolve: (v) => {
          pendingAsk = null;
          queuedAsk = null;
          if (showAsk) showAsk(null);
          resolve(v);
        },
      };
      if (showAsk) showAsk(ask);
      else queuedAsk = ask;
    })),
);

function App() {
  const hash = useHash();
  const [ask, setAsk] = useState(queuedAsk);
  showAsk = setAsk;
  useEffect(() => {
    if (queuedAsk) setAsk(queuedAsk);
  }, []);
  const current = '#/' + (route(hash).parts[0] || 'endpoints');
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/endpoints">
          Rust Edge Gateway
        </a>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <a href={href} class={current === href ? 'active' : ''} aria-current={current === href ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <Header hash={hash} />
      </header>
      <main>
        <Page hash={hash} />
      </main>
      <TokenDialog ask={ask} />
    </div>
  );
}

render(<App />, document.getElementById('app'));
