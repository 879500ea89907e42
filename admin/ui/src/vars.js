// An endpoint's variables and secrets as the editor's rows, and back as the body of
// `PUT /api/endpoints/{id}`: the name rule the API applies, and write-only secrets (the API
// reads every secret back as MASK; sending MASK keeps the stored value of that name, a name
// left out is deleted).

/** What the API shows instead of a secret's value, and what keeps a stored one. */
export const MASK = '********';
/** The API's rule for a variable or secret name. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 128;

let counter = 0;
/** A row: `key` only tells rows apart while editing; `stored` marks a secret the gateway
 * holds (its value is never read back, so the input starts empty). */
export const newRow = (name = '', value = '', stored = false) => ({ key: `row${++counter}`, name, value, stored });

/** The editor's rows for an endpoint as the API returned it. */
export function toRows(endpoint) {
  return {
    variables: Object.entries((endpoint && endpoint.variables) || {}).map(([k, v]) => newRow(k, v)),
    secrets: Object.keys((endpoint && endpoint.secrets) || {}).map((k) => newRow(k, '', true)),
  };
}

/** What the rows would save, to tell edited rows from saved ones. */
export function snapshot(rows) {
  const strip = (list) => list.map(({ name, value, stored }) => [name, value, stored]);
  return JSON.stringify([strip(rows.variables), strip(rows.secrets)]);
}

/** A row left entirely blank (just added, never typed in) is not saved. */
const blank = (r) => !r.stored && !r.name.trim() && !r.value;

/**
 * What is wrong with the rows, before the API is asked: `[{key, field, message}]`, each
 * message naming the row's name (empty when all is well).
 */
export function problems(rows) {
  const out = [];
  const seen = { variables: new Set(), secrets: new Set() };
  for (const [kind, label] of [
    ['variables', 'Variable'],
    ['secrets', 'Secret'],
  ]) {
    for (const r of rows[kind]) {
      if (blank(r)) continue;
      const name = r.name.trim();
      const bad = (field, message) => out.push({ key: r.key, field, message });
      if (!name) bad('name', `A ${label.toLowerCase()} has no name.`);
      else if (!NAME_RE.test(name))
        bad('name', `${label} name "${name}" must match [A-Za-z_][A-Za-z0-9_]* (a letter or _, then letters, digits or _).`);
      else if (name.length > MAX_NAME) bad('name', `${label} name "${name.slice(0, 20)}…" is longer than ${MAX_NAME} characters.`);
      else if (seen[kind].has(name)) bad('name', `${label} "${name}" is listed twice.`);
      else if (kind === 'secrets' && seen.variables.has(name)) bad('name', `"${name}" is both a variable and a secret; pick one.`);
      if (kind === 'secrets' && !r.stored && r.value === '') bad('value', `Secret "${name}" has no value: type it.`);
      if (kind === 'secrets' && r.value === MASK)
        bad('value', `Secret "${name}": ${MASK} stands for a stored value; type the real one.`);
      if (name) seen[kind].add(name);
    }
  }
  return out;
}

/** The PUT body: all variables, and all secrets with MASK for a stored one left untouched. */
export function toBody(rows) {
  const variables = {};
  const secrets = {};
  for (const r of rows.variables) if (!blank(r)) variables[r.name.trim()] = r.value;
  for (const r of rows.secrets) if (!blank(r)) secrets[r.name.trim()] = r.stored && r.value === '' ? MASK : r.value;
  return { variables, secrets };
}
