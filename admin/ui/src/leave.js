// A page with unsaved work registers a guard; navigation inside the app asks it first.
let guard = null;

/** Registers (or, with null, removes) the function asked before leaving the page. */
export function setLeaveGuard(fn) {
  guard = fn;
}

/** Whether the app may navigate away now (asks the page's guard, if any). */
export function mayLeave() {
  return !guard || guard();
}
