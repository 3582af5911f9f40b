#!/usr/bin/env node
// Canned node:http responder: every request gets the same 1 KiB 200 response
// (Content-Length, no files). node:http's ceiling for a tiny response.
//
// usage: node bench/canned-http.mjs <port> [host=127.0.0.1]
import http from 'node:http';

const port = Number(process.argv[2] ?? 8080);
const host = process.argv[3] ?? '127.0.0.1';
const body = Buffer.alloc(1024, 'x');

const server = http.createServer((req, res) => {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
  });
  res.end(body);
});
server.keepAliveTimeout = 65_000;

server.listen(port, host, () => {
  process.stdout.write(`canned-http listening on http://${host}:${port}/\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
