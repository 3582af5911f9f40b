#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A file server makes short-lived garbage at a high rate and keeps little:
// a young generation that does not grow keeps the resident size after load
// near 85 MB. Measured again for issue 14 (bench, cells a, c, e, i and f, three
// starts each, 2-core Xeon): without these two lines, with only the first, or
// with semi-spaces fixed at 2 or 4 MB, RSS after load is 123-126 MB (most
// likely Buffers' memory outside the heap, freed only by a scavenge), for 0-15 %
// more requests a second, within the spread of starts in two runs out of four.
// RSS <= 100 MB is the goal, so they stay. Set before the server allocates anything.
setFlagsFromString("--max-semi-space-size=8");
setFlagsFromString("--semi-space-growth-factor=1");
// The old generation is small (8-30 MB): marking it on the main thread, in
// steps, costs about 1 ms a second. A concurrent marker is a second thread
// that, when the process has one core (taskset, a container's CPU limit, one
// of --workers), takes the core from the main thread for a scheduler slice at
// a time: p99 of 1 KiB keep-alive on a pinned core 4.3-4.5 -> 3.0-3.2 ms, of
// 100 KiB 6.4-6.6 -> 4.7-5.0 ms, throughput unchanged, and unchanged unpinned
// (issue 14, 2-core Xeon). --single-threaded-gc, which would also stop the
// parallel scavenger, cannot be set once V8 runs (it aborts), nor can
// --no-parallel-marking.
setFlagsFromString("--no-concurrent-marking");

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
