// The documented config fields of each service type (services/src/config.rs), for the
// create/edit form. kind: text | number | password | bool | select.

const timeout = { key: 'timeout_seconds', label: 'Timeout (s)', kind: 'number', placeholder: '30' };
const pool = { key: 'pool_size', label: 'Pool size', kind: 'number', placeholder: '10' };
const ca = { key: 'ca_cert_path', label: 'CA certificate path', kind: 'text', placeholder: 'optional, PEM file' };

export const SERVICE_TYPES = {
  sqlite: {
    label: 'SQLite',
    fields: [
      { key: 'path', label: 'Database file', kind: 'text', required: true, placeholder: 'app.db (relative to the data dir)' },
      { key: 'create_if_missing', label: 'Create if missing', kind: 'bool', default: true },
      pool,
      timeout,
    ],
  },
  postgres: {
    label: 'PostgreSQL',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '5432' },
      { key: 'database', label: 'Database', kind: 'text', required: true },
      { key: 'username', label: 'Username', kind: 'text' },
      { key: 'password', label: 'Password', kind: 'password' },
      { key: 'ssl_mode', label: 'SSL mode', kind: 'select', options: ['prefer', 'disable', 'require', 'verify-ca', 'verify-full'] },
      pool,
      ca,
      timeout,
    ],
  },
  mysql: {
    label: 'MySQL / MariaDB',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '3306' },
      { key: 'database', label: 'Database', kind: 'text', required: true },
      { key: 'username', label: 'Username', kind: 'text' },
      { key: 'password', label: 'Password', kind: 'password' },
      { key: 'use_ssl', label: 'Use TLS', kind: 'bool', default: false },
      pool,
      ca,
      timeout,
    ],
  },
  redis: {
    label: 'Redis',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '6379' },
      { key: 'username', label: 'Username', kind: 'text' },
      { key: 'password', label: 'Password', kind: 'password' },
      { key: 'database', label: 'Database number', kind: 'number', placeholder: '0' },
      { key: 'use_tls', label: 'Use TLS', kind: 'bool', default: false },
      pool,
      timeout,
    ],
  },
  memcached: {
    label: 'Memcached',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '11211' },
      { ...pool, placeholder: '4' },
      timeout,
    ],
  },
  minio: {
    label: 'MinIO / S3',
    fields: [
      { key: 'endpoint', label: 'Endpoint', kind: 'text', required: true, placeholder: '127.0.0.1:9000' },
      { key: 'access_key', label: 'Access key', kind: 'text', required: true },
      { key: 'secret_key', label: 'Secret key', kind: 'password', required: true },
      { key: 'bucket', label: 'Bucket', kind: 'text', required: true },
      { key: 'region', label: 'Region', kind: 'text', placeholder: 'us-east-1' },
      { key: 'use_ssl', label: 'Use TLS', kind: 'bool', default: false },
      { key: 'path_style', label: 'Path-style URLs', kind: 'bool', default: true },
      timeout,
    ],
  },
  ftp: {
    label: 'FTP / FTPS / SFTP',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'protocol', label: 'Protocol', kind: 'select', options: ['ftp', 'ftps', 'sftp'] },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '21 (ftp/ftps) or 22 (sftp)' },
      { key: 'username', label: 'Username', kind: 'text', required: true },
      { key: 'password', label: 'Password', kind: 'password' },
      { key: 'private_key_path', label: 'Private key path (SFTP)', kind: 'text' },
      { key: 'base_path', label: 'Base path', kind: 'text', placeholder: '/' },
      { key: 'passive_mode', label: 'Passive mode', kind: 'bool', default: true },
      ca,
      timeout,
    ],
  },
  email: {
    label: 'Email (SMTP)',
    fields: [
      { key: 'host', label: 'SMTP host', kind: 'text', required: true, placeholder: '127.0.0.1' },
      { key: 'port', label: 'Port', kind: 'number', placeholder: '587' },
      { key: 'encryption', label: 'Encryption', kind: 'select', options: ['starttls', 'tls', 'none'] },
      { key: 'username', label: 'Username', kind: 'text' },
      { key: 'password', label: 'Password', kind: 'password' },
      { key: 'from_address', label: 'From address', kind: 'text', required: true },
      { key: 'from_name', label: 'From name', kind: 'text' },
      { key: 'reply_to', label: 'Reply-To', kind: 'text' },
      { key: 'max_retries', label: 'Retries', kind: 'number', placeholder: '3' },
      ca,
      timeout,
    ],
  },
};

/**
 * The config object for a form's values, numbers and booleans typed. Blank optional fields
 * are left out of a new service and sent as null when editing (the API merges edits, so
 * null is how a field is removed).
 */
export function configFrom(type, values, editing = false) {
  const out = {};
  for (const f of SERVICE_TYPES[type].fields) {
    const v = values[f.key];
    if (f.kind === 'bool') {
      out[f.key] = v === undefined ? f.default : Boolean(v);
    } else if (v !== undefined && v !== null && String(v).trim() !== '') {
      if (f.kind === 'number') {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new Error(`${f.label} must be a number.`);
        out[f.key] = n;
      } else out[f.key] = String(v).trim();
    } else if (f.required) {
      throw new Error(`${f.label} is required.`);
    } else if (editing) {
      out[f.key] = null;
    }
  }
  return out;
}
