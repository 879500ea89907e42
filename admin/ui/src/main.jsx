// The admin UI: shell, navigation (by URL fragment), the token prompt.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { mayLeave } from './leave.js';
import { TOKEN_HELP, askAgain, get, onTokenNeeded, setToken, token, tokenDeclined } from './api.js';
import { EndpointsPage } from './pages/endpoints.jsx';
import { EndpointPage } from './pages/endpoint.jsx';
import { DomainsPage } from './pages/domains.jsx';
import { CertificatesPage } from './pages/certificates.jsx';
import { CollectionsPage } from './pages/collections.jsx';
import { ServicesPage } from './pages/services.jsx';
import { ImportPage } from './pages/import.jsx';
import { NodesPage } from './pages/nodes.jsx';
import './style.css';

const NAV = [
  ['#/endpoints', 'Endpoints'],
  ['#/domains', 'Domains'],
  ['#/certificates', 'Certificates'],
  ['#/collections', 'Collections'],
  ['#/services', 'Services'],
  ['#/import', 'Import'],
  ['#/nodes', 'Nodes'],
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
    case 'certificates':
      return <CertificatesPage />;
    case 'collections':
      return <CollectionsPage />;
    case 'services':
      return <ServicesPage />;
    case 'import':
      return <ImportPage />;
    case 'nodes':
      return <NodesPage />;
    default:
      return <EndpointsPage query={query} />;
  }
}

/** Says where the token is (the text of TOKEN_HELP in api.js, with the path as code). */
function TokenHelp() {
  return (
    <>
      Enter the admin token. A gateway started without <code>--admin-token</code> generated one: it is in the
      file <code>admin-token</code> in its data directory (<code>./data/admin-token</code> by default;{' '}
      <code>cat data/admin-token</code>). One started with <code>--admin-token</code> (or{' '}
      <code>REG_ADMIN_TOKEN</code>) wants that token.
    </>
  );
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
        {token() && ask.reason !== TOKEN_HELP && (
          <p class="token-refused">The API refused the token given: {ask.reason}</p>
        )}
        <p class="muted">
          <TokenHelp />
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

/** "restoring endpoints n/total" while the gateway rebuilds and loads its endpoints at start. */
function Restoring({ restore }) {
  if (!restore || restore.done) return null;
  const n = restore.total - restore.pending;
  const failed = restore.failed ? `, ${restore.failed} failed` : '';
  const title = `${restore.loaded} loaded, ${restore.rebuilt} rebuilt${failed}, ${restore.pending} pending`;
  return (
    <span class="restoring" title={title}>
      restoring endpoints {n}/{restore.total}
      {failed}
    </span>
  );
}

function Header({ hash }) {
  const [health, setHealth] = useState(null);
  const [stats, setStats] = useState(null);
  useEffect(() => {
    let alive = true;
    // Health needs no token, so the version and the restore show while the token prompt
    // is open; the figures need it (and wait for the prompt), each set on its own.
    const tick = () => {
      get('/health').then(
        (h) => alive && setHealth(h),
        (e) => alive && setHealth({ status: 'unreachable', error: e.message }),
      );
      get('/stats').then(
        (s) => alive && setStats(s),
        () => {
          /* no token yet, or refused: the prompt and the page say so */
        },
      );
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
      {health && <Restoring restore={health.restore} />}
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
