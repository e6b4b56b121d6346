import { afterEach, describe, expect, it, vi } from 'vitest';
import { appBaseUrl } from './appBase';

/** Runs `appBaseUrl` as a page (document.baseURI) or a worker (location only) would see it. */
function at(where: { document?: string; location?: string }, base: string): string {
  vi.stubEnv('BASE_URL', base);
  if (where.document) vi.stubGlobal('document', { baseURI: where.document });
  if (where.location) vi.stubGlobal('location', { href: where.location });
  return appBaseUrl();
}

describe('the app root under a sub-path', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it('is the page’s folder for a relative base, whatever the query', () => {
    expect(at({ document: 'https://host/course/cnn/?v=1&lr=0.1' }, './')).toBe('https://host/course/cnn/');
    expect(at({ document: 'https://host/course/cnn/index.html' }, './')).toBe('https://host/course/cnn/');
  });

  it('is one folder above a built worker script (assets/) for a relative base', () => {
    expect(at({ location: 'https://host/course/cnn/assets/training.worker-abc.js' }, './')).toBe('https://host/course/cnn/');
  });

  it('is the absolute base as given (the dev server)', () => {
    expect(at({ location: 'http://localhost:5173/src/worker/training.worker.ts?worker_file' }, '/')).toBe('http://localhost:5173/');
    expect(at({ document: 'http://localhost:5173/?v=1' }, '/')).toBe('http://localhost:5173/');
  });
});
