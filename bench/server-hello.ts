/**
 * The baseline of the server benchmark: an Express 5 hello-world answering a small JSON body, in its
 * own process like the Assay server it is compared with. Prints `{"port": p}` once listening; exits
 * when its parent goes away (stdin closes).
 */

import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
server.keepAliveTimeout = 65_000;
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
