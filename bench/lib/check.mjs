// One real request before loading a URL: status 200 and the right body.
import http from 'node:http';
import net from 'node:net';

/**
 * GET `url` once with node:http (no agent, bounded).
 * expect: { bytes } for files, { links } for listings.
 * Returns { ok, reason, status, bytes, links, keepAlive } where keepAlive tells
 * whether the server left the connection open by HTTP's rules (what wrk obeys).
 */
export function checkUrl(url, { expect, headers = {}, timeoutMs = 15_000 }) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = http.get(url, { agent: false, headers }, (res) => {
      let bytes = 0;
      const keep = (() => {
        const conn = String(res.headers.connection ?? '').toLowerCase();
        if (res.httpVersion === '1.0') return conn.includes('keep-alive');
        return !conn.includes('close');
      })();
      const chunks = [];
      res.on('data', (d) => {
        bytes += d.length;
        if (expect.links != null && bytes < 16 * 1024 * 1024) chunks.push(d);
      });
      res.on('error', (e) => finish({ ok: false, reason: `response error: ${e.message}`, status: res.statusCode }));
      res.on('end', () => {
        const out = { status: res.statusCode, bytes, keepAlive: keep };
        if (res.statusCode !== 200) return finish({ ...out, ok: false, reason: `status ${res.statusCode}` });
        if (expect.bytes != null && bytes !== expect.bytes) {
          return finish({ ...out, ok: false, reason: `body ${bytes} bytes, expected ${expect.bytes}` });
        }
        if (expect.links != null) {
          const body = Buffer.concat(chunks).toString('utf8');
          const links = (body.match(/href\s*=/gi) ?? []).length;
          out.links = links;
          if (links < expect.links) return finish({ ...out, ok: false, reason: `${links} links, expected >= ${expect.links}` });
        }
        finish({ ...out, ok: true });
      });
    });
    req.on('error', (e) => finish({ ok: false, reason: `request error: ${e.code ?? e.message}` }));
    const timer = setTimeout(() => finish({ ok: false, reason: `no complete response within ${timeoutMs / 1000} s` }), timeoutMs);
  });
}

/**
 * What the server really does with the connection after one response:
 * sends a raw HTTP/1.1 GET with the given Connection header and waits (bounded)
 * for the server to close. Returns { closed: true|false|null } (null: unknown).
 */
export function probeClose(port, urlPath, connection, { waitMs = 1500 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let got = 0;
    let timer = setTimeout(() => done(null), 10_000);
    const done = (closed) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ closed, bytes: got });
    };
    sock.on('connect', () =>
      sock.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: ${connection}\r\n\r\n`),
    );
    sock.on('data', (d) => {
      if (got === 0) {
        clearTimeout(timer);
        timer = setTimeout(() => done(false), waitMs); // still open after the response
      }
      got += d.length;
    });
    sock.on('end', () => done(got > 0 ? true : null));
    sock.on('error', () => done(got > 0 ? true : null));
  });
}
