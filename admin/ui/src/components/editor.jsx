// The code editor: CodeMirror 6 with Rust highlighting, and compiler diagnostics shown as
// lint marks on their lines.
import { useEffect, useRef } from 'preact/hooks';
import { EditorView, basicSetup } from 'codemirror';
import { keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { rust } from '@codemirror/lang-rust';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

/** Moves the cursor to `line` (1-based) and `column`, scrolls there and focuses. */
export function goToLine(view, line, column = 1) {
  if (!view) return;
  const doc = view.state.doc;
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

export function CodeEditor({ value, onChange, diagnostics, viewRef, label }) {
  const host = useRef(null);
  const view = useRef(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      doc: value || '',
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        rust(),
        lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': label || 'Handler code' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) changed.current(u.state.doc.toString());
        }),
      ],
      parent: host.current,
    });
    view.current = v;
    if (viewRef) viewRef.current = v;
    return () => v.destroy();
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && value !== v.state.doc.toString()) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value || '' } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const marks = (diagnostics || []).map((d) => {
      const l = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
      const from = Math.min(l.from + Math.max(d.column - 1, 0), l.to);
      return {
        from,
        to: Math.max(from, l.to),
        severity: d.severity === 'warning' ? 'warning' : 'error',
        message: d.code ? `${d.code}: ${d.message}` : d.message,
      };
    });
    v.dispatch(setDiagnostics(v.state, marks));
  }, [diagnostics]);

  return <div class="editor" ref={host} />;
}
