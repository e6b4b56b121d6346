/**
 * A tiny static file server for dist/ under a sub-path (like a project page on a static host:
 * https://host/<prefix>/), with the MIME types a browser insists on (wasm, webmanifest, js). It
 * records every request outside the prefix, or for a missing file, so a test can assert that the
 * build asks only for its own files.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/octet-stream',
};

export interface StaticServer {
  readonly url: string;
  /** Requests that were outside the prefix or found no file. */
  readonly misses: string[];
  close(): Promise<void>;
}

export async function serveDist(prefix: string, port: number, root = resolve('dist')): Promise<StaticServer> {
  const misses: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (!path.startsWith(prefix)) {
        misses.push(path);
        res.writeHead(404).end();
        return;
      }
      let file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(root)) {
        res.writeHead(403).end();
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        const info = await stat(file);
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': info.size,
          'cache-control': 'no-cache',
        });
        createReadStream(file).pipe(res);
      } catch {
        misses.push(path);
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    misses,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
