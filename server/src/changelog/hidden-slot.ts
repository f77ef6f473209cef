/**
 * A value kept on an object under a symbol of its own, not enumerable: JSON, copies and comparisons do not see it.
 * For caches asked for on every keystroke per changeset, SQL text, finding or diagnostic, where a WeakMap lookup
 * each time cost more than the work it saved.
 */
export interface HiddenSlot<T> {
  get(owner: object): T | undefined;
  set(owner: object, value: T): void;
}

export function hiddenSlot<T>(name: string): HiddenSlot<T> {
  const key = Symbol(name);
  return {
    get: (owner) => (owner as { [key]?: T })[key],
    set: (owner, value) => {
      Object.defineProperty(owner, key, { value, writable: true, configurable: true });
    },
  };
}
