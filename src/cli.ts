#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A file server makes short-lived garbage at a high rate and keeps little:
// a young generation that does not grow keeps the resident size after load
// near 85-90 MB (105-160 MB when V8 may grow it to its 16 MB semi-spaces).
// Only the growth factor can be set here: V8 sizes the semi-spaces when it
// starts, so this process keeps V8's initial 1 MB ones (a runtime
// --max-semi-space-size, set here until issue 14's fourth round, changed
// nothing: new space stayed at 2 x 1 MB). Fixed at 2 MB from the command line
// (`node --min-semi-space-size=2 dist/cli.js`), 1 KiB keep-alive takes about
// 8 % less CPU per request, new connections 7 %, 100 KiB 4 %, for about
// 5 MB more RSS after load (2-core Xeon, three interleaved starts each). The
// command cannot choose that for itself: starting itself again costs a second
// process, and a `#!/usr/bin/env -S node ...` line fails where env has no -S
// (busybox, as in Alpine images). Set before the server allocates anything.
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
