// TLS certificates as the pages show them: time left before expiry, and which certificate
// (if any) the HTTPS listener serves for a domain's host, chosen the way the dataplane's
// resolver chooses (dataplane/src/tls/resolver.rs).

const DAY = 24 * 3600 * 1000;

/** Fewer days left than this and a certificate is flagged as expiring. */
export const WARN_DAYS = 14;

/**
 * Where a certificate stands at `now` (ms): `{ state, days, text }`. `state` is `expired`,
 * `expiring` (fewer than WARN_DAYS days left), `future` (not valid yet) or `ok`; `days`
 * the whole days left (negative once expired); `text` the words shown
 * ("expires in 9 days", "expired 2 days ago").
 */
export function expiry(cert, now = Date.now()) {
  const end = Date.parse(cert.not_after);
  const left = end - now;
  const days = Math.floor(left / DAY);
  if (left < 0) {
    const ago = Math.floor(-left / DAY);
    return { state: 'expired', days, text: ago === 0 ? 'expired today' : `expired ${plural(ago, 'day')} ago` };
  }
  const text = days === 0 ? 'expires in less than a day' : `expires in ${plural(days, 'day')}`;
  if (left < WARN_DAYS * DAY) return { state: 'expiring', days, text };
  if (Date.parse(cert.not_before) > now) return { state: 'future', days, text: `not valid before ${when(cert.not_before)}` };
  return { state: 'ok', days, text };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An RFC 3339 UTC time as "2025-06-01 12:00 UTC". */
export function when(rfc3339) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc3339 || '');
  return m ? `${m[1]} ${m[2]} UTC` : rfc3339 || '';
}

/** Whether `cert` is within its validity at `now` (ms). */
function validAt(cert, now) {
  return Date.parse(cert.not_before) <= now && now <= Date.parse(cert.not_after);
}

/** Among the certificates naming `name` exactly, the newest valid one, else the newest. */
function best(certs, name, now) {
  const found = certs.filter((c) => c.names.includes(name));
  const newest = (list) =>
    list.reduce((a, c) => (!a || Date.parse(c.not_before) > Date.parse(a.not_before) ? c : a), null);
  return newest(found.filter((c) => validAt(c, now))) || newest(found);
}

/**
 * The certificate that serves `host`, or null: one naming the host exactly, else one
 * naming `*.parent` when the host is one label plus `.parent`. The hosts `*` and `*.x`
 * are covered only by a certificate with exactly that name.
 */
export function coveringCert(host, certs, now = Date.now()) {
  const h = String(host || '')
    .trim()
    .replace(/\.$/, '')
    .toLowerCase();
  if (!h) return null;
  const exact = best(certs, h, now);
  if (exact || h.startsWith('*')) return exact;
  const dot = h.indexOf('.');
  if (dot <= 0 || dot === h.length - 1) return null;
  return best(certs, `*.${h.slice(dot + 1)}`, now);
}
