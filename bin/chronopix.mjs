#!/usr/bin/env node
// The `chronopix` command: loads the bundled CLI built by `npm ci` / `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write("chronopix: the CLI is not built yet; run 'npm run build' in the repository\n");
  process.exit(2);
}
await import(cli);
