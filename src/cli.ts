#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A file server makes short-lived garbage at a high rate and keeps little:
// a young generation that does not grow (V8's default grows each semi-space
// to 16 MiB) keeps the resident size after load near 90 MB instead of 130 MB,
// with no loss of throughput measured (the scavenges stay in cache).
// Set before the server allocates anything.
setFlagsFromString("--max-semi-space-size=8");
setFlagsFromString("--semi-space-growth-factor=1");

const { main } = await import("./cli/main.js");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A --workers child stays alive while its channel to the primary is open.
    if (process.connected) process.disconnect();
  },
  (err: unknown) => {
    process.stderr.write(`simplehttp: error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
