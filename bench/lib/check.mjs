// One real request before loading a URL: the status, headers and body the
// cell expects.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';

const DECODERS = {
  gzip: (b) => zlib.gunzipSync(b),
  'x-gzip': (b) => zlib.gunzipSync(b),
  deflate: (b) => {
    try {
      return zlib.inflateSync(b); // RFC 9110 deflate = zlib format
    } catch {
      return zlib.inflateRawSync(b); // what some servers send instead
    }
  },
  br: (b) => zlib.brotliDecompressSync(b),
  ...(typeof zlib.zstdDecompressSync === 'function' ? { zstd: (b) => zlib.zstdDecompressSync(b) } : {}),
};
const KNOWN_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

/**
 * GET `url` once with node:http (no agent, bounded), sending `headers`.
 * expect: {
 *   status      expected status (default 200),
 *   bytes       body length (after decoding a Content-Encoding),
 *   links       >= this many href= in the body (listings),
 *   body        a Buffer the (decoded) body must equal,
 *   encoding    'identity' (default: a Content-Encoding fails the check), 'any'
 *               (any coding or none; a coding is decoded and checked), or
 *               'compressed' (identity fails the check),
 *   contentRange  the exact Content-Range value,
 *   empty       the body must be empty (a 304),
 * }
 * Returns { ok, reason, status, bytes, links, keepAlive, answer } where
 * keepAlive tells whether the server left the connection open by HTTP's rules
 * (what wrk obeys), bytes counts the body as sent, and answer = { status,
 * contentEncoding, bodyBytes, decodedBytes, etag, contentRange, lastModified }
 * records what the server answered (for the JSON and the report).
 */
export function checkUrl(url, { expect, headers = {}, timeoutMs = 15_000 }) {
  const wantStatus = expect.status ?? 200;
  const encodingRule = expect.encoding ?? 'identity';
  const keepBody = expect.links != null || expect.body != null || encodingRule !== 'identity';
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
      const coding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
      const answer = {
        status: res.statusCode,
        contentEncoding: coding || 'identity',
        bodyBytes: 0,
        etag: res.headers.etag ?? null,
        contentRange: res.headers['content-range'] ?? null,
        lastModified: res.headers['last-modified'] ?? null,
      };
      const chunks = [];
      res.on('data', (d) => {
        bytes += d.length;
        if (keepBody && bytes < 16 * 1024 * 1024) chunks.push(d);
      });
      res.on('error', (e) => finish({ ok: false, reason: `response error: ${e.message}`, status: res.statusCode, answer }));
      res.on('end', () => {
        answer.bodyBytes = bytes;
        const out = { status: res.statusCode, bytes, keepAlive: keep, answer };
        const fail = (reason) => finish({ ...out, ok: false, reason });
        if (res.statusCode !== wantStatus) {
          const why = wantStatus === 206 && res.statusCode === 200 ? ' (the Range header was ignored)' : wantStatus === 304 && res.statusCode === 200 ? ' (If-None-Match did not match)' : '';
          return fail(`status ${res.statusCode}, expected ${wantStatus}${why}${coding ? `, Content-Encoding ${coding}` : ''}, ${bytes}-byte body`);
        }
        if (expect.empty && bytes !== 0) return fail(`${bytes}-byte body, expected none`);
        if (expect.contentRange != null && answer.contentRange !== expect.contentRange) {
          return fail(`Content-Range ${answer.contentRange == null ? 'missing' : JSON.stringify(answer.contentRange)}, expected ${JSON.stringify(expect.contentRange)}`);
        }
        if (coding && encodingRule === 'identity') return fail(`Content-Encoding ${coding}, expected none`);
        if (!coding && encodingRule === 'compressed') {
          return fail(`answered identity (no Content-Encoding, ${bytes}-byte body); this cell measures compressed delivery`);
        }
        let body = keepBody ? Buffer.concat(chunks) : null;
        if (coding) {
          if (!KNOWN_CODINGS.has(coding)) return fail(`unknown Content-Encoding ${JSON.stringify(coding)}`);
          const decode = DECODERS[coding];
          if (!decode) {
            // e.g. zstd on a Node without zstd: accepted, but the body is not verified.
            answer.note = `Content-Encoding ${coding} not decoded (this Node ${process.version} cannot), body not verified`;
            return finish({ ...out, ok: true });
          }
          try {
            body = decode(body);
          } catch (e) {
            return fail(`Content-Encoding ${coding} body does not decode: ${e.message}`);
          }
          answer.decodedBytes = body.length;
        }
        const size = body ? body.length : bytes;
        if (expect.bytes != null && size !== expect.bytes) {
          return fail(`body ${size} bytes${coding ? ` after ${coding} decoding (${bytes} sent)` : ''}, expected ${expect.bytes}`);
        }
        if (expect.body != null && !expect.body.equals(body)) return fail(`body${coding ? ` (after ${coding} decoding)` : ''} differs from the fixture's bytes`);
        if (expect.links != null) {
          const links = (body.toString('utf8').match(/href\s*=/gi) ?? []).length;
          out.links = links;
          if (links < expect.links) return fail(`${links} links, expected >= ${expect.links}`);
        }
        finish({ ...out, ok: true });
      });
    });
    req.on('error', (e) => finish({ ok: false, reason: `request error: ${e.code ?? e.message}` }));
    const timer = setTimeout(() => finish({ ok: false, reason: `no complete response within ${timeoutMs / 1000} s` }), timeoutMs);
  });
}

/**
 * The raw bytes a server sends for one request with `Connection: close`
 * (bounded): { status, head, bodyBytes } with bodyBytes = everything after the
 * head. node:http ignores a body after a 304; this sees it, as wrk would.
 */
export function rawExchange(port, urlPath, headers = [], { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const chunks = [];
    let size = 0;
    const timer = setTimeout(() => done(`no close within ${timeoutMs / 1000} s`), timeoutMs);
    const done = (error) => {
      clearTimeout(timer);
      sock.destroy();
      const buf = Buffer.concat(chunks);
      const end = buf.indexOf('\r\n\r\n');
      const head = end === -1 ? buf.toString('latin1') : buf.subarray(0, end).toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : null, head, bodyBytes: end === -1 ? null : buf.length - end - 4, error });
    };
    sock.on('connect', () => {
      const extra = headers.filter((h) => !/^connection:/i.test(h)).map((h) => `${h}\r\n`).join('');
      sock.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Connection: close\r\n\r\n`);
    });
    sock.on('data', (d) => {
      if (size < 1024 * 1024) chunks.push(d);
      size += d.length;
    });
    sock.on('end', () => done(null));
    sock.on('error', (e) => done(e.code ?? e.message));
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
