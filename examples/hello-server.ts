import { BaseHTTPRequestHandler, ThreadingHTTPServer } from "simplehttp";

class HelloHandler extends BaseHTTPRequestHandler {
  // HTTP/1.1: keep-alive, every response framed by Content-Length or chunked.
  override protocolVersion = "HTTP/1.1";

  async do_GET(): Promise<void> {
    const body = Buffer.from(`Hello ${this.clientAddress[0]}, you asked for ${this.path}\n`);
    this.sendResponse(200);
    this.sendHeader("Content-Type", "text/plain; charset=utf-8");
    this.sendHeader("Content-Length", body.length);
    await this.endHeaders();
    await this.wfile.write(body);
  }

  async do_POST(): Promise<void> {
    const data = await this.rfile.readAll(1024 * 1024); // 413 past 1 MiB
    this.sendResponse(201, "Stored");
    this.sendHeader("Content-Type", "application/json");
    await this.endHeaders(); // no Content-Length: sent chunked on HTTP/1.1
    await this.wfile.write(JSON.stringify({ received: data.length }) + "\n");
  }
}

const port = Number(process.env["PORT"] ?? 8080);
await using server = await ThreadingHTTPServer.create(["127.0.0.1", port], HelloHandler);
console.log(`Serving on http://127.0.0.1:${server.serverPort}/`);
process.once("SIGINT", () => void server.shutdown());
await server.serveForever();
