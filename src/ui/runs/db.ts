/**
 * A tiny promise wrapper over IndexedDB for the run history: one database, one object store keyed by
 * run id. Every write is a single transaction, so a failed write (quota) leaves nothing half-written.
 */
import { errorText } from '../../core/errorText';
const DB_NAME = 'cnn-playground';
/** IndexedDB schema version (object stores); record format versions live in core/runRecord.ts. */
const DB_VERSION = 1;
const STORE = 'runs';

let opening: Promise<IDBDatabase> | null = null;

/** A storage failure phrased for the user (quota, private mode, blocked). */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

function describe(error: unknown, action: string): StorageError {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'QuotaExceededError') {
    const next = action === 'saved' ? 'then press “Save the run again”' : 'then try again';
    return new StorageError(
      `The browser's storage for this site is full, so the run was not ${action}. Delete some runs (or clear the history) to make room, ${next}; nothing was half-written.`,
    );
  }
  const detail = errorText(error);
  const next =
    action === 'saved' ? ' Press “Save the run again” to retry.' : action === 'opened' ? ' Reload the page to try again.' : ' Try again.';
  return new StorageError(`The run history could not be ${action}${detail ? ` (${detail})` : ''}.${next}`);
}

function open(): Promise<IDBDatabase> {
  if (opening) return opening;
  opening = new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new StorageError('This browser has no IndexedDB (private mode?), so runs are not kept after a reload.'));
      return;
    }
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema: let it, and reopen next time.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => reject(describe(request.error, 'opened'));
    request.onblocked = () => reject(new StorageError('The run history is blocked by another tab of CNN Playground; close it and reload.'));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

/** Runs one transaction; resolves with `result()` once it has committed, rejects on abort. */
async function transact<T>(mode: IDBTransactionMode, action: string, body: (store: IDBObjectStore) => () => T): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(STORE, mode);
    } catch (error) {
      reject(describe(error, action));
      return;
    }
    let result: () => T;
    try {
      result = body(tx.objectStore(STORE));
    } catch (error) {
      // A DataCloneError or similar: abort so nothing of this transaction lands.
      tx.abort();
      reject(describe(error, action));
      return;
    }
    tx.oncomplete = () => resolve(result());
    tx.onerror = (event) => event.preventDefault();
    tx.onabort = () => reject(describe(tx.error, action));
  });
}

/** Every stored value (not yet validated). */
export function getAllRaw(): Promise<unknown[]> {
  return transact('readonly', 'read', (store) => {
    const request = store.getAll();
    return () => request.result as unknown[];
  });
}

/** Adds or replaces records, all in one transaction. */
export function putRecords(records: readonly object[]): Promise<void> {
  return transact('readwrite', 'saved', (store) => {
    for (const r of records) store.put(r);
    return () => undefined;
  });
}

export function deleteRecords(ids: readonly string[]): Promise<void> {
  return transact('readwrite', 'changed', (store) => {
    for (const id of ids) store.delete(id);
    return () => undefined;
  });
}

export function clearRecords(): Promise<void> {
  return transact('readwrite', 'cleared', (store) => {
    store.clear();
    return () => undefined;
  });
}

/** Bytes used and available to this site, when the browser tells (navigator.storage.estimate). */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const estimate = await navigator.storage?.estimate?.();
    if (!estimate || estimate.usage === undefined || estimate.quota === undefined) return null;
    return { usage: estimate.usage, quota: estimate.quota };
  } catch {
    return null;
  }
}
