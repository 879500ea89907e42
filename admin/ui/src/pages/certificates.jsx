// Certificates: the TLS certificates the HTTPS listener serves, with their names and
// expiry (flagged under 14 days), an upload of a chain and its key, and delete for those
// added here. Keys go in and never come back: the API answers none.
import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../api.js';
import { expiry, when } from '../certs.js';
import { ActionButton, Field, Messages } from '../components/ui.jsx';

/** "expires in 9 days" or "expired", in the warning style under 14 days. */
export function Expiry({ cert }) {
  const e = expiry(cert);
  const cls = e.state === 'expired' ? 'cert-expired' : e.state === 'expiring' ? 'cert-expiring' : 'cert-ok';
  return (
    <span class={`cert-expiry ${cls}`} data-days={e.days} title={`valid ${when(cert.not_before)} to ${when(cert.not_after)}`}>
      {e.state === 'expiring' && '⚠ '}
      {e.text}
    </span>
  );
}

function CertRow({ c, onError, reload }) {
  const fromApi = c.source === 'api';
  return (
    <tr data-cert={c.id}>
      <td>
        <ul class="cert-names" aria-label={`Names of ${c.id}`}>
          {c.names.map((n) => (
            <li>
              <code>{n}</code>
            </li>
          ))}
        </ul>
      </td>
      <td>{when(c.not_after)}</td>
      <td>
        <Expiry cert={c} />
      </td>
      <td class="hide-narrow">
        <code class="cert-id" title={`SHA-256 ${c.fingerprint}\nserial ${c.serial}`}>
          {c.id}
        </code>
        <span class="muted small">
          {' '}
          · {c.chain_len} in chain · {fromApi ? 'uploaded' : 'from --tls-cert-dir'}
        </span>
      </td>
      <td class="row-actions">
        {fromApi ? (
          <ActionButton
            class="small danger"
            onError={onError}
            action={async () => {
              if (!confirm(`Delete certificate ${c.id} (${c.names.join(', ')})?`)) return;
              await del(`/certificates/${encodeURIComponent(c.id)}`);
              await reload();
            }}
          >
            Delete
          </ActionButton>
        ) : (
          <span class="muted small" title="Served from --tls-cert-dir: remove its files to remove it">
            file
          </span>
        )}
      </td>
    </tr>
  );
}

/** A PEM textarea with a file input that fills it. */
function PemField({ label, name, value, onChange, hint }) {
  return (
    <Field label={label} hint={hint}>
      <textarea name={name} rows="8" class="mono" spellcheck={false} value={value} onInput={(e) => onChange(e.target.value)} />
      <input
        type="file"
        name={`${name}_file`}
        aria-label={`${label} from a file`}
        accept=".pem,.crt,.cer,.key"
        onChange={async (e) => {
          const f = e.target.files[0];
          if (f) onChange(await f.text());
        }}
      />
    </Field>
  );
}

function Upload({ onError, onDone }) {
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const upload = async () => {
    onError('');
    if (!cert.trim() || !key.trim()) throw new Error('Paste the certificate chain and its private key (or choose their files) first.');
    const added = await post('/certificates', { cert_pem: cert, key_pem: key });
    setCert('');
    setKey('');
    await onDone(added);
  };
  return (
    <form class="card" aria-label="Upload certificate" onSubmit={(e) => e.preventDefault()}>
      <h2>Upload a certificate</h2>
      <p class="muted">Served at once for new HTTPS connections to the names it holds. The key is stored, never shown again.</p>
      <div class="import-grid">
        <PemField
          label="Certificate chain (PEM)"
          name="cert_pem"
          value={cert}
          onChange={setCert}
          hint="The leaf first, then its intermediates (fullchain.pem)."
        />
        <PemField label="Private key (PEM)" name="key_pem" value={key} onChange={setKey} hint="PKCS#8, PKCS#1 or SEC1 (privkey.pem)." />
      </div>
      <ActionButton class="primary" onError={onError} action={upload}>
        Upload certificate
      </ActionButton>
    </form>
  );
}

export function CertificatesPage() {
  const [certs, setCerts] = useState(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const load = async () => {
    try {
      setCerts(await get('/certificates'));
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
  }, []);
  return (
    <section>
      <div class="page-head">
        <h1>Certificates</h1>
      </div>
      <Messages error={error} setError={setError} info={info} setInfo={setInfo} />
      <Upload
        onError={(m) => {
          setError(m);
          if (m) setInfo('');
        }}
        onDone={async (c) => {
          setInfo(`Added ${c.id} for ${c.names.join(', ')}.`);
          await load();
        }}
      />
      {certs && certs.length === 0 && <p class="empty">No certificates yet: HTTPS handshakes fail until one names the host.</p>}
      {certs && certs.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-label="Certificates">
            <thead>
              <tr>
                <th>Names</th>
                <th>Expires</th>
                <th>Days left</th>
                <th class="hide-narrow">Id</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {certs.map((c) => (
                <CertRow key={c.id} c={c} onError={setError} reload={load} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
