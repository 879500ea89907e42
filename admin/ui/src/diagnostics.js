// Reads rustc's human-readable diagnostics into {severity, message, line, column} items for
// the handler's own file (src/lib.rs), so the UI can mark and link the lines.

const HEADER = /^(error|warning)(\[[A-Z0-9]+\])?: (.*)$/;
const LOCATION = /^\s*--> (.+?):(\d+):(\d+)\s*$/;

/** Diagnostics located in src/lib.rs, in the order rustc printed them. */
export function parseDiagnostics(text) {
  const out = [];
  let current = null;
  for (const raw of (text || '').split('\n')) {
    const h = HEADER.exec(raw);
    if (h) {
      current = { severity: h[1], code: h[2] ? h[2].slice(1, -1) : null, message: h[3] };
      continue;
    }
    const l = LOCATION.exec(raw);
    if (l && current) {
      // Only the handler's own file: cargo prints it relative to the crate, while a
      // dependency's errors carry absolute paths ending in their own src/lib.rs.
      if (l[1] === 'src/lib.rs') {
        out.push({ ...current, line: Number(l[2]), column: Number(l[3]) });
      }
      current = null;
    }
  }
  return out;
}

/** Splits output text into pieces, linking every `src/lib.rs:LINE:COL`. */
export function linkify(text) {
  const parts = [];
  const re = /(?<![\w/.-])src\/lib\.rs:(\d+):(\d+)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: m[0], line: Number(m[1]), column: Number(m[2]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
