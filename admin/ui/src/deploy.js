// Draft versus deployed, in words: what serves (or was last deployed and a restart serves)
// and where the draft stands against it, from the endpoint's `version`, `status`,
// `draft_compiled` and `deployed` (see the management API).

/**
 * The deploy state of an endpoint as a short text, e.g. "v3 serving, v4 compiled, not
 * deployed", "v3 serving, draft edited since v4 (not compiled)", "v4 serving", "v3
 * deployed, stopped", "not deployed". Null when the API does not say (an older gateway).
 */
export function deployText(e) {
  if (!e || !('deployed' in e)) return null;
  const d = e.deployed;
  const parts = [];
  if (d) {
    if (e.status === 'running') parts.push(`v${d.version} serving`);
    else if (e.status === 'stopped') parts.push(`v${d.version} deployed, stopped`);
    else parts.push(`v${d.version} deployed, not serving`);
  }
  // The draft, unless it is exactly the deployed build.
  if (e.draft_compiled && e.version > 0) {
    if (!d || d.version !== e.version) parts.push(`v${e.version} compiled, not deployed`);
  } else if (e.version > 0) {
    parts.push(`draft edited since v${e.version} (not compiled)`);
  } else if (d) {
    parts.push('draft not compiled');
  }
  if (!d && !(e.draft_compiled && e.version > 0)) parts.push('not deployed');
  return parts.join(', ');
}

/** What the deployed version is, for a tooltip: when it was built and deployed, its ABI. */
export function deployTitle(e) {
  const d = e && e.deployed;
  if (!d) return 'Nothing deployed yet: Deploy builds the draft if needed and serves it.';
  const when = (t) => (t ? new Date(t).toLocaleString() : '?');
  return `v${d.version}: built ${when(d.built_at)}, deployed ${when(d.deployed_at)}; ABI ${d.fingerprint || '?'}. A restart serves this version.`;
}
