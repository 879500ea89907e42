// The compiler's output, live while cargo runs; `src/lib.rs:L:C` are links to the line.
import { useEffect, useRef } from 'preact/hooks';
import { linkify, parseDiagnostics } from '../../diagnostics.js';

export function OutputPanel({ output, onLine, endpoint }) {
  const pre = useRef(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [output.lines.length]);

  const { state, result } = output;
  let text = output.lines.join('\n');
  // Before any build in this page, show the last stored error.
  if (state === 'idle' && endpoint && endpoint.last_error) text = endpoint.last_error;
  const diags = state === 'failed' ? parseDiagnostics(result.error) : state === 'idle' ? parseDiagnostics(text) : [];

  return (
    <div class="output" aria-label="Compiler output">
      <div class={`build-state build-${state}`} role="status">
        {state === 'idle' && (text ? 'Last error' : 'Not built in this session yet. Compile builds with cargo.')}
        {state === 'building' && 'Building…'}
        {state === 'ok' && `Build succeeded in ${(result.data.duration_ms / 1000).toFixed(1)} s`}
        {state === 'failed' && `Build failed (${result.status})`}
      </div>
      {diags.length > 0 && (
        <ul class="diagnostics" aria-label="Errors">
          {diags.map((d) => (
            <li class={`diag diag-${d.severity}`}>
              <button type="button" class="link" onClick={() => onLine(d.line, d.column)}>
                line {d.line}
              </button>{' '}
              {d.code && <code>{d.code}</code>} {d.message}
            </li>
          ))}
        </ul>
      )}
      {text && (
        <pre class="console" ref={pre}>
          {linkify(text).map((p) =>
            p.line ? (
              <a
                href="#"
                class="src-link"
                onClick={(e) => {
                  e.preventDefault();
                  onLine(p.line, p.column);
                }}
              >
                {p.text}
              </a>
            ) : (
              p.text
            ),
          )}
        </pre>
      )}
    </div>
  );
}
