// Where the page keeps what must outlive it (layout, plot options, ROIs): localStorage in the page,
// a Map in tests. Values are JSON; a corrupt or foreign value reads as the fallback.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

export function loadJson<T>(
  storage: KeyValueStorage,
  key: string,
  fallback: T,
  check: (v: unknown) => v is T,
): T {
  try {
    const text = storage.getItem(key);
    if (text === null) return fallback;
    const v: unknown = JSON.parse(text);
    return check(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

export function saveJson(storage: KeyValueStorage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the preference is kept for this session only.
  }
}
