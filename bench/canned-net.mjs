#!/usr/bin/env node
// Canned node:net responder: Node's ceiling for a 1 KiB and a 100 KiB HTTP/1.1
// response. No HTTP parsing and no files: for every "\r\n\r\n" seen in the
// input it writes one fixed "200 OK" response with Content-Length, of 100 KiB
// when the chunk names /100k.bin (cell c), else of 1 KiB (one write, head and
// body in one prebuilt buffer: what a server with no per-request work would do).
// The only concession to HTTP: if a request chunk contains "connection: close"
// (case-insensitive), the response says "Connection: close" and the socket is
// ended after it, so the new-connection-per-request cell measures what it says.
//
// usage: node bench/canned-net.mjs <port> [host=127.0.0.1]
import net from 'node:net';

const port = Number(process.argv[2] ?? 8080);
const host = process.argv[3] ?? '127.0.0.1';

const head = (body, extra) =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n${extra}\r\n`;
const response = (size) => {
  const body = Buffer.alloc(size, 'x');
  return { keep: Buffer.concat([Buffer.from(head(body, '')), body]), close: Buffer.concat([Buffer.from(head(body, 'Connection: close\r\n')), body]) };
};
const SMALL = response(1024);
const MEDIUM = response(100 * 1024);
const MEDIUM_TARGET = Buffer.from(' /100k.bin ');
const CRLF2 = Buffer.from('\r\n\r\n');
const closeRe = /connection:[ \t]*close/i;

const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  let tail = Buffer.alloc(0); // last <=3 bytes of the previous chunk, for split terminators
  let closing = false;
  sock.on('data', (chunk) => {
    if (closing) return;
    const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    let n = 0;
    for (let i = buf.indexOf(CRLF2); i !== -1; i = buf.indexOf(CRLF2, i + 4)) n++;
    tail = buf.subarray(Math.max(0, buf.length - 3));
    if (n === 0) return;
    const r = chunk.includes(MEDIUM_TARGET) ? MEDIUM : SMALL;
    if (closeRe.test(chunk.toString('latin1'))) {
      closing = true;
      sock.end(r.close);
      return;
    }
    if (n === 1) sock.write(r.keep);
    else sock.write(Buffer.concat(Array(n).fill(r.keep)));
  });
  sock.on('error', () => sock.destroy());
});

server.listen(port, host, () => {
  process.stdout.write(`canned-net listening on http://${host}:${port}/\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
