// The endpoint's variables and secrets (what handlers read with ctx.var("NAME")): rows to
// add, change and remove, saved together; a change applies to the next request, with no
// recompile or redeploy. Secret values are write-only: a stored one shows "(stored)".
import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../../api.js';
import { ActionButton, Messages } from '../../components/ui.jsx';
import { newRow, problems, snapshot, toBody, toRows } from '../../vars.js';

/** One name/value row; `secret` makes the value a password field. */
function VarRow({ row, index, secret, onChange, onRemove, invalid }) {
  const label = secret ? 'Secret' : 'Variable';
  const name = row.name.trim() || `${index + 1}`;
  return (
    <div class="var-row" data-name={row.name}>
      <input
        aria-label={`${label} ${index + 1} name`}
        class={`mono ${invalid.name ? 'invalid' : ''}`}
        aria-invalid={invalid.name ? 'true' : undefined}
        value={row.name}
        readOnly={row.stored}
        title={row.stored ? 'A stored secret keeps its name: remove it and add one to rename it.' : undefined}
        placeholder="NAME"
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => onChange({ ...row, name: e.target.value })}
      />
      <input
        aria-label={`${label} ${index + 1} value`}
        class={`mono ${invalid.value ? 'invalid' : ''}`}
        aria-invalid={invalid.value ? 'true' : undefined}
        type={secret ? 'password' : 'text'}
        value={row.value}
        placeholder={row.stored ? '(stored)' : 'value'}
        autocomplete={secret ? 'new-password' : 'off'}
        spellcheck={false}
        onInput={(e) => onChange({ ...row, value: e.target.value })}
      />
      <button type="button" class="small" aria-label={`Remove ${label.toLowerCase()} ${name}`} onClick={onRemove}>
        Remove
      </button>
    </div>
  );
}

/** The rows of one kind (variables or secrets), with their add button. */
function VarList({ title, hint, empty, secret, rows, setRows, invalid }) {
  const change = (i) => (row) => setRows(rows.map((r, j) => (j === i ? row : r)));
  const remove = (i) => () => setRows(rows.filter((_, j) => j !== i));
  return (
    <section class="var-list" aria-label={title}>
      <h3>{title}</h3>
      <p class="field-hint">{hint}</p>
      {rows.length === 0 ? (
        <p class="muted small">{empty}</p>
      ) : (
        rows.map((r, i) => (
          <VarRow
            key={r.key}
            row={r}
            index={i}
            secret={secret}
            onChange={change(i)}
            onRemove={remove(i)}
            invalid={invalid[r.key] || {}}
          />
        ))
      )}
      <button type="button" class="small" onClick={() => setRows([...rows, newRow()])}>
        + Add {secret ? 'secret' : 'variable'}
      </button>
    </section>
  );
}

/**
 * The Variables tab. `dirtyRef.current` says whether there are unsaved rows (the page asks
 * before leaving); `onSaved(endpoint)` gets what the API answered.
 */
export function VariablesPanel({ id, dirtyRef, onSaved }) {
  const [rows, setRows] = useState(null);
  const [saved, setSaved] = useState(null);
  // Set by a Save with problems: from then on the wrong rows are marked as they are typed.
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');

  useEffect(() => {
    let alive = true;
    get(`/endpoints/${id}`).then(
      (e) => {
        if (!alive) return;
        const r = toRows(e);
        setRows(r);
        setSaved(r);
      },
      (e) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [id]);

  const dirty = Boolean(rows && saved) && snapshot(rows) !== snapshot(saved);
  if (dirtyRef) dirtyRef.current = dirty;
  if (!rows) return <Messages error={error} setError={setError} info="" setInfo={setInfo} />;

  const found = checked ? problems(rows) : [];
  const invalid = {};
  for (const p of found) invalid[p.key] = { ...invalid[p.key], [p.field]: true };
  const edit = (kind) => (list) => {
    setInfo('');
    setRows({ ...rows, [kind]: list });
  };

  const save = async () => {
    setError('');
    setInfo('');
    const bad = problems(rows);
    setChecked(bad.length > 0);
    if (bad.length) throw new Error(bad.map((p) => p.message).join('\n'));
    const sent = rows;
    // The API's refusal (400) is shown in its own words by the button.
    const e = await put(`/endpoints/${id}`, toBody(sent));
    // Typed secret values are dropped: from now on they show as stored.
    const fresh = toRows(e);
    setSaved(fresh);
    setRows((r) => (r === sent ? fresh : r));
    setInfo('Saved: applies to the next request (no recompile)');
    if (onSaved) onSaved(e);
  };

  return (
    <div class="variables">
      <Messages error={error} setError={setError} info={info} setInfo={setInfo} />
      <p class="muted small">
        Handlers read these with <code>ctx.var("NAME")</code>. Saving applies them to the next request: no recompile, no
        redeploy.
      </p>
      <div class="var-lists">
        <VarList
          title="Variables"
          hint="Shown as they are."
          empty="No variables yet."
          rows={rows.variables}
          setRows={edit('variables')}
          invalid={invalid}
        />
        <VarList
          title="Secrets"
          hint="Write-only: a stored value is never shown again; leave it empty to keep it, type to replace it."
          empty="No secrets yet."
          secret
          rows={rows.secrets}
          setRows={edit('secrets')}
          invalid={invalid}
        />
      </div>
      <div class="row wrap var-actions">
        <ActionButton class="primary" onError={setError} action={save} disabled={!dirty}>
          Save variables
        </ActionButton>
        <button
          type="button"
          disabled={!dirty}
          onClick={() => {
            setRows(saved);
            setChecked(false);
            setError('');
          }}
        >
          Revert
        </button>
        {dirty && <span class="var-unsaved">Unsaved changes</span>}
      </div>
    </div>
  );
}
