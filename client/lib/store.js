// A tiny store: the screen's state is replaced by pure functions from features/*/state.js.
export function createStore(initial) {
  let state = initial;
  const listeners = new Set();
  return {
    get: () => state,
    /** Apply a pure change `(state, ...args) => newState` and notify listeners. */
    apply(change, ...args) {
      const next = change(state, ...args);
      if (next !== state) {
        const previous = state;
        state = next;
        for (const listener of listeners) listener(state, previous);
      }
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
