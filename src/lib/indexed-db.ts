/**
 * Opens (creating on first use) an IndexedDB database of one object store. Rejects where
 * IndexedDB is missing, or another tab blocks the open. `onClose` runs when the database
 * closes under its user: another tab upgrading or deleting it (this one steps aside), or the
 * browser closing it; the next use then opens it again.
 */
export function openDatabase(
  name: string,
  objectStore: string,
  onClose: () => void = () => undefined,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (factory === undefined) return reject(new Error('IndexedDB is not available here'));
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(objectStore);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        onClose();
      };
      db.onclose = onClose;
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error(`IndexedDB "${name}" is blocked by another tab`));
  });
}
