/**
 * The benchmark's target API, run as its own process so that the runner under test never shares an
 * event loop with it. `GET /items/:n` answers `{"id": n, "ok": true}` over keep-alive connections.
 *
 * Control endpoints (used by bench/run.ts between measurements, never by the runners):
 *   GET  /__stats  → {"requests": r, "connections": c} since the last reset
 *   POST /__reset  → zeroes the counters
 *
 * `--fail-at k` makes item k answer `"ok": false`; the harness's self-check uses it to prove that every
 * runner really evaluates the assertion rather than only counting responses.
 *
 * Prints one line `{"port": p}` on stdout once listening, then runs until killed or until its parent
 * goes away (stdin closes), so an aborted benchmark never leaves it behind.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const failAtArg = process.argv.indexOf('--fail-at');
const failAt = failAtArg >= 0 ? Number(process.argv[failAtArg + 1]) : -1;

let requests = 0;
let connections = 0;

const ITEM = /^\/items\/(\d+)$/;

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  const match = ITEM.exec(url);
  if (req.method === 'GET' && match) {
    requests++;
    const id = Number(match[1]);
    const body = JSON.stringify({ id, ok: id !== failAt });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.method === 'GET' && url === '/__stats') {
    const body = JSON.stringify({ requests, connections });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.method === 'POST' && url === '/__reset') {
    requests = 0;
    connections = 0;
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
});

server.on('connection', () => {
  connections++;
});
// Generous idle limits: a slow runner must not lose its pooled connection between two requests.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

const stop = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; when it dies for any reason, stdin ends and we follow.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
