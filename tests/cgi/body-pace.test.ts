// bodyDeadline(): when a request body's time runs out (Apache mod_reqtimeout's
// body=20,MinRate=500 rule plus an idle limit); BodyPace and pacedBody(): the
// clock, paused while the consumer holds a chunk; ScriptSlots: the cap.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BodyPace, bodyDeadline, pacedBody, type BodyPaceLimits, type BodyProgress, type PaceViolation } from "../../src/cgi/body-pace.js";
import { ScriptSlots, defaultCgiMax } from "../../src/cgi/script-slots.js";

const APACHE: BodyPaceLimits = { idleMs: 20_000, graceMs: 20_000, minRate: 500 };

const rows: ReadonlyArray<{ does: string; p: BodyProgress; limits?: BodyPaceLimits; at: number; why: PaceViolation }> = [
  { does: "gives a body that has sent nothing the grace (20 s)", p: { startedAt: 0, lastAt: 0, bytes: 0 }, at: 20_000, why: "idle" },
  { does: "adds one second per 500 bytes received to the grace", p: { startedAt: 0, lastAt: 0, bytes: 5_000 }, at: 20_000, why: "idle" },
  { does: "lets the idle limit run from the last byte", p: { startedAt: 0, lastAt: 15_000, bytes: 50_000 }, at: 35_000, why: "idle" },
  { does: "ends a trickle by the rate before the idle limit", p: { startedAt: 0, lastAt: 29_000, bytes: 1_000 }, at: 22_000, why: "slow" },
  { does: "keeps a body at exactly the rate going", p: { startedAt: 0, lastAt: 60_000, bytes: 30_000 }, at: 80_000, why: "idle" },
  {
    does: "has only the idle limit when minRate is 0",
    p: { startedAt: 0, lastAt: 100_000, bytes: 1 },
    limits: { idleMs: 5_000, graceMs: 5_000, minRate: 0 },
    at: 105_000,
    why: "idle",
  },
];

describe("bodyDeadline", () => {
  for (const row of rows) {
    it(`bodyDeadline() ${row.does}`, () => {
      assert.deepEqual(bodyDeadline(row.p, row.limits ?? APACHE), { at: row.at, why: row.why });
    });
  }
});

describe("BodyPace", () => {
  it("fires once, with the reason, when a body stops", async () => {
    const seen: PaceViolation[] = [];
    const pace = new BodyPace({ idleMs: 50, graceMs: 1000, minRate: 0 }, (why) => seen.push(why));
    pace.received(10);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(seen, ["idle"]);
    pace.received(10); // too late: it does not fire again
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen, ["idle"]);
  });

  it("does not count the time the consumer holds a chunk (pacedBody pauses at each yield)", async () => {
    const seen: PaceViolation[] = [];
    const pace = new BodyPace({ idleMs: 60, graceMs: 1000, minRate: 0 }, (why) => seen.push(why));
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from("a");
      yield Buffer.from("b");
    }
    const got: string[] = [];
    for await (const chunk of pacedBody(body(), pace)) {
      got.push(chunk.toString());
      await new Promise((r) => setTimeout(r, 150)); // a script slow to read: not the client's fault
    }
    assert.deepEqual(got, ["a", "b"]);
    await new Promise((r) => setTimeout(r, 100)); // stopped at the end
    assert.deepEqual(seen, []);
  });
});

describe("ScriptSlots", () => {
  it("ScriptSlots takes up to the cap and gives back", () => {
    const slots = new ScriptSlots();
    assert.ok(slots.tryTake(2));
    assert.ok(slots.tryTake(2));
    assert.equal(slots.tryTake(2), false);
    assert.equal(slots.inUse, 2);
    slots.give();
    assert.ok(slots.tryTake(2));
    assert.ok(slots.tryTake(null), "null: no cap");
    assert.equal(slots.inUse, 3);
  });

  it("defaultCgiMax() is four per core, at least eight", () => {
    assert.equal(defaultCgiMax(1), 8);
    assert.equal(defaultCgiMax(2), 8);
    assert.equal(defaultCgiMax(16), 64);
  });
});
