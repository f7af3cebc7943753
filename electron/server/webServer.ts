// The headless web mode: the engine's typed API over a WebSocket (`/api`), and the renderer's built
// files over HTTP when they exist. Bound to 127.0.0.1 by default; on any other interface a token is
// required (query `?token=` or header `x-chronopix-token`) for every request and connection.
// Frames use shared/wireCodec.ts: requests {id, method, params}, replies {id, result | error},
// pushed events {event: 'status' | 'views', data}. Slow clients skip view frames (never block).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { ENGINE_CHANNELS, type EngineApi } from '../../shared/engineApi';
import { decodeMessage, encodeMessage } from '../../shared/wireCodec';

export interface WebServerOptions {
  host: string;
  port: number;
  /** Required when host is not a loopback address; generated when missing there. */
  token?: string;
  /** Built renderer files (index.html ...); a plain status page when absent. */
  staticDir?: string;
  /** Extra API methods (e.g. setViews) beside EngineApi's. */
  extra?: Record<string, (params: unknown) => Promise<unknown>>;
}

export interface WebServer {
  url: string;
  token: string | null;
  close(): Promise<void>;
}

const METHODS = Object.keys(ENGINE_CHANNELS).filter((k) => k !== 'status' && k !== 'views');
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

export async function startWebServer(engine: EngineApi, options: WebServerOptions): Promise<WebServer> {
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
    const offStatus = engine.onStatus((data) => send({ event: 'status', data }, false));
    const offViews = engine.onViews((data) => send({ event: 'views', data }, true));
    ws.on('close', () => {
      offStatus();
      offViews();
    });
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
          const result = await call(engine, options.extra ?? {}, msg.method, msg.params);
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

async function call(
  engine: EngineApi,
  extra: Record<string, (params: unknown) => Promise<unknown>>,
  method: unknown,
  params: unknown,
): Promise<unknown> {
  if (typeof method !== 'string') throw new Error('request without a method');
  if (method in extra) return extra[method](params);
  if (!METHODS.includes(method)) throw new Error(`unknown method '${method}'`);
  switch (method as keyof typeof ENGINE_CHANNELS) {
    case 'start':
      return engine.start();
    case 'stop':
      return engine.stop();
    case 'startRecording':
      return engine.startRecording(recordingParams(params));
    case 'stopRecording':
      return engine.stopRecording();
    case 'getSettings':
      return engine.getSettings();
    case 'setSettings':
      return engine.setSettings(params);
    case 'getStatus':
      return engine.getStatus();
    case 'resetViews':
      return engine.resetViews();
    default:
      throw new Error(`unknown method '${method}'`);
  }
}

function recordingParams(params: unknown): { folder?: string; prefix?: string } {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object') throw new Error('startRecording takes {folder?, prefix?}');
  const { folder, prefix } = params as Record<string, unknown>;
  if (
    (folder !== undefined && typeof folder !== 'string') ||
    (prefix !== undefined && typeof prefix !== 'string')
  ) {
    throw new Error('startRecording: folder and prefix must be strings');
  }
  return { folder: folder as string | undefined, prefix: prefix as string | undefined };
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
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
}
