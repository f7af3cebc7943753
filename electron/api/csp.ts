// The renderer's Content-Security-Policy and what counts as the app's own page. No electron import:
// electron.vite.config.ts also writes this CSP into the built index.html as a <meta> tag, because
// responses of file:// pages (the packaged app) carry no headers to add it to.

/** The renderer's CSP. plotly.js injects <style> elements and draws with data: URIs, so styles
 * need 'unsafe-inline' and images data:/blob:. Scripts stay 'self' only: no inline, no eval (so
 * plotly's WebGL traces, whose regl shaders are compiled with `new Function`, are out; use the
 * SVG/canvas traces, e.g. heatmap and scatter, or plotly.js-strict-dist). The page talks to
 * nothing over the network (connect-src 'self'); its data come over IPC. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The CSP for a page served from `devUrl` (electron-vite's dev server needs its HMR websocket
 * and, through @vitejs/plugin-react, one inline preamble script). */
export function appCsp(devUrl: string | undefined): string {
  if (!devUrl) return CSP;
  const ws = devUrl.replace(/^http/, 'ws');
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${ws}`,
  );
}

/** Whether `url` is the app's page: the dev server's origin in dev, else the built index.html. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
  return u.origin === app.origin;
}
