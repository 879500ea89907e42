// Runs a loader now and every `ms` milliseconds while the component is mounted (and again
// when `deps` change); answers that arrive after unmounting are dropped.
import { useEffect } from 'preact/hooks';

/**
 * `load(alive)` fetches and sets state; it must check `alive()` before setting anything
 * after an await.
 */
export function usePolling(load, ms, deps) {
  useEffect(() => {
    let mounted = true;
    const alive = () => mounted;
    load(alive);
    const t = setInterval(() => load(alive), ms);
    return () => {
      mounted = false;
      clearInterval(t);
    };
  }, deps);
}
