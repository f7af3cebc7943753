// The headless web mode: the engine's typed API over a WebSocket (`/api`), and the renderer's built
// files over HTTP when they exist. Bound to 127.0.0.1 by default; on any other interface a token is
// required (query `?token=` or header `x-chronopix-token`) for every request and connection.
// Frames use shared/wireCodec.ts: requests {id, method, params}, replies {id, result | error},
// pushed events {event: 'status' | 'views' | 'job' | 'config', data}. Slow clients skip view frames (never
// block). Requests go through the ApiRouter, the same dispatch table as the Electron IPC adapter.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { decodeMessage, encodeMessage } from '../../shared/wireCodec';
import type { ApiRouter } from '../api/apiRouter';
import { CSP } from '../api/csp';

export interface WebServerOptions {
  host: string;
  port: number;
  /** Required when host is not a loopback address; generated when missing there. */
  token?: string;
  /** Built renderer files (index.html ...); a plain status page when absent. */
  staticDir?: string;
}

export interface WebServer {
  url: string;
  token: string | null;
  close(): Promise<void>;
}

const MAX_BUFFERED = 8 << 20;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export async function startWebServer(router: ApiRouter, options: WebServerOptions): Promise<WebServer> {
  const token = isLoopback(options.host)
    ? (options.token ?? null)
    : (options.token ?? randomBytes(16).toString('hex'));
  const authorised = (req: IncomingMessage): boolean => {
    if (token === null) return true;
    const url = new URL(req.url ?? '/', 'http://x');
    const given = url.searchParams.get('token') ?? String(req.headers['x-chronopix-token'] ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const http = createServer((req, res) => {
    if (!authorised(req)) {
      res
        .writeHead(401, { 'content-type': 'text/plain' })
        .end('token required: open the URL printed by chronopix serve\n');
      return;
    }
    void serveStatic(options.staticDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/api' || !authorised(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  const connect = (ws: WebSocket): void => {
    const send = (msg: unknown, droppable: boolean): void => {
      if (ws.readyState !== ws.OPEN || (droppable && ws.bufferedAmount > MAX_BUFFERED)) return;
      ws.send(encodeMessage(msg));
    };
    const unsubscribe = [
      router.subscribe('status', (data) => send({ event: 'status', data }, false)),
      router.subscribe('views', (data) => send({ event: 'views', data }, true)),
      router.subscribe('job', (data) => send({ event: 'job', data }, false)),
      router.subscribe('config', (data) => send({ event: 'config', data }, false)),
    ];
    ws.on('close', () => unsubscribe.forEach((off) => off()));
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      let id: unknown = null;
      void (async () => {
        try {
          const msg = (isBinary ? decodeMessage(new Uint8Array(raw)) : JSON.parse(raw.toString())) as {
            id?: unknown;
            method?: unknown;
            params?: unknown;
          };
          id = msg.id ?? null;
          const result = await router.call(msg.method, msg.params);
          send({ id, result: result ?? null }, false);
        } catch (err) {
          send({ id, error: (err as Error).message }, false);
        }
      })();
    });
  };

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolveListen());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`;
  return {
    url,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

async function serveStatic(
  dir: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Chronopix engine is running. The web UI is not built here; the API is at /api (WebSocket).\n');
    return;
  }
  const root = resolve(dir);
  let file = normalize(join(root, path));
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  try {
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res
      .writeHead(200, {
        'content-type': type,
        'x-content-type-options': 'nosniff',
        ...(type.startsWith('text/html')
          ? { 'content-security-policy': CSP, 'x-frame-options': 'DENY' }
          : {}),
      })
      .end(body);
  } catch {
    res.writeHead(404).end();
  }
}
