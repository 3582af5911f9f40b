// ResponseHead: the header block being built, and the facts it keeps for the framing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ResponseHead } from "../../src/wire/response-head.js";

function head(build: (h: ResponseHead) => void, omit = false): ResponseHead {
  const h = new ResponseHead();
  h.reset(omit);
  build(h);
  return h;
}

describe("ResponseHead", () => {
  it("builds the status line and headers as latin-1 text, ended by the framing's lines and a blank line", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.1", 200, "OK");
      h.field("Content-Length", "5");
    });
    const framing = h.end("GET", 1001, 1001, false);
    assert.equal(framing.mode, "length");
    assert.equal(h.contentLength, 5);
    assert.equal(h.take(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    assert.equal(h.sent, true);
    assert.equal(h.pending, false);
  });

  it("adds Transfer-Encoding when no length was given on HTTP/1.1", () => {
    const h = head((h) => h.statusLine("HTTP/1.1", 201, "Created"));
    assert.equal(h.end("POST", 1001, 1001, false).mode, "chunked");
    assert.equal(h.take(), "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n");
  });

  it("reads framing fields in any case, and says which field is a Connection header", () => {
    const h = head((h) => h.statusLine("HTTP/1.1", 200, "OK"));
    assert.equal(h.field("content-LENGTH", " 12 "), false);
    assert.equal(h.contentLength, 12);
    assert.equal(h.field("CONNECTION", "keep-alive"), true);
    assert.equal(h.field("Connections", "x"), false);
    assert.equal(h.field("TRANSFER-ENCODING", "gzip, chunked"), false);
    assert.equal(h.end("GET", 1001, 1001, true).mode, "passthrough");
    // Closing, but the handler sent its own Connection header: nothing added.
    assert.equal(h.take(), "HTTP/1.1 200 OK\r\ncontent-LENGTH:  12 \r\nCONNECTION: keep-alive\r\nConnections: x\r\nTRANSFER-ENCODING: gzip, chunked\r\n\r\n");
  });

  it("takes a Content-Length that is not digits as no length", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.1", 200, "OK");
      h.field("Content-Length", "-1");
    });
    assert.equal(h.contentLength, -1);
    assert.equal(h.end("GET", 1001, 1001, false).mode, "chunked");
  });

  it("starts fresh framing fields at the final status after a 1xx, and is not 'sent' by a 1xx", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.1", 100, "Continue");
      h.field("Content-Length", "3");
    });
    assert.equal(h.end("POST", 1001, 1001, false).mode, "none");
    assert.equal(h.take(), "HTTP/1.1 100 Continue\r\nContent-Length: 3\r\n\r\n");
    assert.equal(h.sent, false);
    h.statusLine("HTTP/1.1", 200, "OK");
    assert.equal(h.contentLength, -1);
    assert.equal(h.end("POST", 1001, 1001, false).mode, "chunked");
    h.take();
    assert.equal(h.sent, true);
  });

  it("keeps no text for an HTTP/0.9 response (the body alone), but still the facts", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.0", 200, "OK");
      h.field("Content-Length", "4");
    }, true);
    assert.equal(h.omitted, true);
    assert.equal(h.pending, false);
    assert.equal(h.status, 200);
    assert.equal(h.contentLength, 4);
  });

  it("discards a buffered head (to replace it with an error reply) and forgets its status", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.1", 200, "OK");
      h.field("X", "y");
    });
    assert.equal(h.pending, true);
    h.discard();
    assert.equal(h.pending, false);
    assert.equal(h.status, 0);
    assert.equal(h.sent, false);
  });

  it("reset() starts the next request's response from nothing", () => {
    const h = head((h) => {
      h.statusLine("HTTP/1.1", 200, "OK");
      h.field("Content-Length", "1");
      h.field("Connection", "close");
    });
    h.end("GET", 1001, 1001, false);
    h.take();
    h.reset(false);
    assert.deepEqual([h.status, h.contentLength, h.sent, h.pending, h.omitted], [0, -1, false, false, false]);
  });
});
