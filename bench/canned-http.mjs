#!/usr/bin/env node
// Canned node:http responder: every request gets the same 200 response
// (Content-Length, no files): 100 KiB for /100k.bin (cell c), else 1 KiB.
// node:http's ceiling for a small and a medium response.
//
// usage: node bench/canned-http.mjs <port> [host=127.0.0.1]
import http from 'node:http';

const port = Number(process.argv[2] ?? 8080);
const host = process.argv[3] ?? '127.0.0.1';
const small = Buffer.alloc(1024, 'x');
const medium = Buffer.alloc(100 * 1024, 'x');

const server = http.createServer((req, res) => {
  const body = req.url === '/100k.bin' ? medium : small;
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
