// Small shared pieces: status badges, the deploy state, messages, form fields, a busy button.
import { useState } from 'preact/hooks';
import { del } from '../api.js';
import { deployText, deployTitle } from '../deploy.js';

const LABELS = {
  created: 'Created',
  compiled: 'Compiled',
  running: 'Loaded',
  draining: 'Draining',
  stopped: 'Stopped',
  error: 'Error',
  quarantined: 'Quarantined',
};

/**
 * An endpoint status badge; `draining` overrides while an old version drains. `reason`
 * (a quarantine's) is its tooltip.
 */
export function StatusBadge({ status, draining, reason }) {
  const s = draining ? 'draining' : status;
  const title = reason || (s === 'running' ? 'Loaded and serving' : LABELS[s] || s);
  return (
    <span class={`badge badge-${s}`} data-status={s} title={title}>
      {LABELS[s] || s}
    </span>
  );
}

/**
 * What serves against the draft, in words ("v3 serving, v4 compiled, not deployed"); an
 * older gateway that does not say shows its build count instead.
 */
export function DeployState({ endpoint }) {
  const text = deployText(endpoint);
  if (text === null) {
    return (
      <span class="deploy-state muted" title="Successful compiles so far">
        build {endpoint.version}
      </span>
    );
  }
  const pending = !endpoint.deployed || endpoint.status !== 'running' || /not (deployed|compiled)/.test(text);
  return (
    <span class={`deploy-state ${pending ? 'deploy-pending' : 'deploy-current'}`} title={deployTitle(endpoint)}>
      {text}
    </span>
  );
}

/** A message box: kind is error, ok or info. Errors are announced to screen readers. */
export function Notice({ kind = 'info', children, onClose }) {
  if (!children) return null;
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div class="notice-text">{children}</div>
      {onClose && (
        <button class="link" type="button" aria-label="Dismiss" onClick={onClose}>
          ×
        </button>
      )}
    </div>
  );
}

/** A page's error and success messages, each dismissable. */
export function Messages({ error, setError, info, setInfo }) {
  return (
    <>
      <Notice kind="error" onClose={() => setError('')}>
        {error}
      </Notice>
      <Notice kind="ok" onClose={() => setInfo('')}>
        {info}
      </Notice>
    </>
  );
}

/** Save and Cancel of a table row being edited in place. */
export function RowEditActions({ onSave, onCancel, onError }) {
  return (
    <>
      <ActionButton class="small primary" onError={onError} action={onSave}>
        Save
      </ActionButton>{' '}
      <button type="button" class="small" onClick={onCancel}>
        Cancel
      </button>
    </>
  );
}

/** Edit and Delete of a table row; Delete asks first, then calls `DELETE /api<path>`. */
export function RowActions({ onEdit, label, path, onError, reload }) {
  return (
    <>
      <button type="button" class="small" onClick={onEdit}>
        Edit
      </button>{' '}
      <ActionButton
        class="small danger"
        onError={onError}
        action={async () => {
          if (!confirm(`Delete ${label}?`)) return;
          await del(path);
          await reload();
        }}
      >
        Delete
      </ActionButton>
    </>
  );
}

/** A labelled form field. */
export function Field({ label, hint, children }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="field-hint">{hint}</span>}
    </label>
  );
}

/**
 * A button running an async action: disabled while it runs, and its error (the API's own
 * message) handed to `onError` rather than lost.
 */
export function ActionButton({ action, onError, children, class: cls = '', ...rest }) {
  const [busy, setBusy] = useState(false);
  const click = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await action();
    } catch (err) {
      if (onError) onError(err.message || String(err));
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      {...rest}
      class={`${cls} ${busy ? 'busy' : ''}`}
      disabled={busy || rest.disabled}
      onClick={click}
    >
      {children}
    </button>
  );
}

/** Formats a number of milliseconds. */
export function ms(v) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  return v < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v)} ms`;
}
