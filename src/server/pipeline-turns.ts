/**
 * Turns of the event loop shared fairly by connections that pipeline.
 *
 * A connection that has served its burst of pipelined requests waits here
 * for a later turn. Each turn resumes at most CONNECTIONS_PER_TURN of them
 * (in the order they came), so that however many clients pipeline
 * thousands of requests, one turn does a bounded amount of their work and
 * the poll phase (accepting new connections, reading other clients) comes
 * round again within a few milliseconds. One `setImmediate` serves all.
 */
const CONNECTIONS_PER_TURN = 8;

const waiting: Array<() => void> = [];
let scheduled = false;

function runTurn(): void {
  const batch = waiting.splice(0, CONNECTIONS_PER_TURN);
  // Those left wait for the next turn's check phase, after its poll phase.
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(runTurn);
  for (const resume of batch) resume();
}

/** Resolves in a later turn of the event loop, once the connections queued before have had theirs. */
export function nextPipelineTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runTurn);
    }
  });
}
