// HTTP dates: the IMF-fixdate writer, the three-format reader (with CPython's
// email.utils.parsedate_to_datetime zone handling) and the local-time log date.
// Expected instants were computed with CPython 3 (email.utils.formatdate /
// parsedate_to_datetime, time.localtime) and are hard-coded here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { currentHttpDate, formatHttpDate, formatLogDate, parseHttpDate, type ParsedHttpDate } from "../../src/wire/http-date.js";

/** Sun, 06 Nov 1994 08:49:37 GMT: the example of RFC 9110 section 5.6.7. */
const RFC_EXAMPLE = 784111777000;

describe("formatHttpDate()", () => {
  const rows: Array<[name: string, ms: number, expected: string]> = [
    ["writes the epoch", 0, "Thu, 01 Jan 1970 00:00:00 GMT"],
    ["writes the RFC 9110 example instant", RFC_EXAMPLE, "Sun, 06 Nov 1994 08:49:37 GMT"],
    ["drops the fraction of a second instead of rounding up", RFC_EXAMPLE + 999, "Sun, 06 Nov 1994 08:49:37 GMT"],
    ["drops a half second", 1700000000500, "Tue, 14 Nov 2023 22:13:20 GMT"],
    ["writes a leap day", 951782400000, "Tue, 29 Feb 2000 00:00:00 GMT"],
    ["writes the last second of a non-leap century February", 4107542399000, "Sun, 28 Feb 2100 23:59:59 GMT"],
    ["writes an instant past 2^31 seconds", 2147483648000, "Tue, 19 Jan 2038 03:14:08 GMT"],
    ["writes a whole second before the epoch", -1000, "Wed, 31 Dec 1969 23:59:59 GMT"],
    ["floors a fraction before the epoch to the earlier second, as time.gmtime", -500, "Wed, 31 Dec 1969 23:59:59 GMT"],
    ["floors one millisecond before the epoch to the earlier second", -1, "Wed, 31 Dec 1969 23:59:59 GMT"],
    ["pads a three-digit year to four digits", -30636619200000, "Fri, 01 Mar 0999 12:00:00 GMT"],
    ["pads year 1 to four digits", -62135596800000, "Mon, 01 Jan 0001 00:00:00 GMT"],
    ["writes the last second of year 9999", 253402300799000, "Fri, 31 Dec 9999 23:59:59 GMT"],
  ];
  for (const [name, ms, expected] of rows) {
    it(`formatHttpDate() ${name} (${ms})`, () => {
      assert.equal(formatHttpDate(ms), expected);
    });
  }

  it("formatHttpDate() gives the same text when asked again for a remembered second", () => {
    assert.equal(formatHttpDate(RFC_EXAMPLE + 10), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert.equal(formatHttpDate(RFC_EXAMPLE + 20), "Sun, 06 Nov 1994 08:49:37 GMT");
  });

  it("formatHttpDate() stays correct after more distinct seconds than it remembers", () => {
    for (let i = 0; i < 600; i++) formatHttpDate(i * 1000);
    assert.equal(formatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert.equal(formatHttpDate(599_000), "Thu, 01 Jan 1970 00:09:59 GMT");
    assert.equal(formatHttpDate(RFC_EXAMPLE), "Sun, 06 Nov 1994 08:49:37 GMT");
  });
});

describe("currentHttpDate()", () => {
  it("currentHttpDate(now) formats the given instant", () => {
    assert.equal(currentHttpDate(RFC_EXAMPLE), "Sun, 06 Nov 1994 08:49:37 GMT");
  });

  it("currentHttpDate(now) drops the fraction of a second", () => {
    assert.equal(currentHttpDate(1700000000999), "Tue, 14 Nov 2023 22:13:20 GMT");
    assert.equal(currentHttpDate(1700000000000), "Tue, 14 Nov 2023 22:13:20 GMT");
  });

  it("currentHttpDate(now) moves on when the second changes, forwards and backwards", () => {
    assert.equal(currentHttpDate(946684799500), "Fri, 31 Dec 1999 23:59:59 GMT");
    assert.equal(currentHttpDate(946684800000), "Sat, 01 Jan 2000 00:00:00 GMT");
    assert.equal(currentHttpDate(946684799000), "Fri, 31 Dec 1999 23:59:59 GMT");
    assert.equal(currentHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("currentHttpDate() without an argument formats Date.now()", (t) => {
    t.mock.method(Date, "now", () => 951782400123);
    assert.equal(currentHttpDate(), "Tue, 29 Feb 2000 00:00:00 GMT");
  });
});

describe("parseHttpDate()", () => {
  type Row = [name: string, text: string, expected: ParsedHttpDate | null];
  const utc = (ms: number): ParsedHttpDate => ({ ms, utc: true });
  const zoned = (ms: number): ParsedHttpDate => ({ ms, utc: false });

  const imfFixdate: Row[] = [
    ["reads an IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["reads the epoch", "Thu, 01 Jan 1970 00:00:00 GMT", utc(0)],
    ["reads a leap day", "Mon, 29 Feb 2016 00:00:00 GMT", utc(1456704000000)],
    ["reads a single-digit hour", "Sun, 06 Nov 1994 8:49:37 GMT", utc(RFC_EXAMPLE)],
    ["reads a time without seconds", "Sun, 06 Nov 1994 08:49 GMT", utc(784111740000)],
    ["reads a date without a weekday", "06 Nov 1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["ignores a wrong weekday", "Mon, 06 Nov 1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["reads a full month name", "Sun, 06 November 1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["reads a two-digit year in the IMF layout", "Sun, 06 Nov 94 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["ignores words after the zone", "Sun, 06 Nov 1994 08:49:37 GMT extra", utc(RFC_EXAMPLE)],
  ];

  const rfc850: Row[] = [
    ["reads an RFC 850 date with a two-digit year", "Sunday, 06-Nov-94 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["reads an RFC 850 date with a four-digit year", "Sunday, 06-Nov-1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["takes two-digit year 49 as 2049", "Thursday, 01-Jan-49 00:00:00 GMT", utc(2493072000000)],
    // RFC 2822 section 4.3: 00-49 -> 20xx, 50-99 -> 19xx. (CPython's own pivot is 68/69: it reads 2050.)
    ["takes two-digit year 50 as 1950", "Sunday, 01-Jan-50 00:00:00 GMT", utc(-631152000000)],
    ["takes two-digit year 99 as 1999", "Friday, 31-Dec-99 23:59:59 GMT", utc(946684799000)],
    ["takes two-digit year 00 as 2000", "Saturday, 01-Jan-00 00:00:00 GMT", utc(946684800000)],
    ["reads an upper-case RFC 850 date", "SUNDAY, 06-NOV-94 08:49:37 GMT", utc(RFC_EXAMPLE)],
  ];

  const asctime: Row[] = [
    ["reads an asctime date with its space-padded day", "Sun Nov  6 08:49:37 1994", utc(RFC_EXAMPLE)],
    ["reads an asctime date with a single space before a one-digit day", "Sun Nov 6 08:49:37 1994", utc(RFC_EXAMPLE)],
    ["reads an asctime date with a two-digit day", "Sun Nov 16 08:49:37 1994", utc(784975777000)],
    ["reads an asctime date without a weekday", "Nov  6 08:49:37 1994", utc(RFC_EXAMPLE)],
    ["reads an asctime leap day", "Mon Feb 29 00:00:00 2016", utc(1456704000000)],
    ["reads an asctime date followed by GMT", "Sun Nov  6 08:49:37 1994 GMT", utc(RFC_EXAMPLE)],
    ["reads an asctime date followed by a numeric zone", "Sun Nov  6 08:49:37 1994 +0100", zoned(784108177000)],
    ["reads an asctime date followed by a named zone", "Sun Nov  6 08:49:37 1994 PST", zoned(784140577000)],
    // CPython reads this as 1994; the asctime branch here wants four digits.
    ["refuses an asctime date with a two-digit year", "Sun Nov  6 08:49:37 94", null],
    ["refuses an asctime date without a time", "Sun Nov  6 1994", null],
    ["refuses an asctime date on 30 February", "Tue Feb 30 00:00:00 2016", null],
    ["refuses an asctime date at hour 24", "Sun Nov  6 24:00:00 1994", null],
  ];

  const zones: Row[] = [
    ["takes +0000 as UTC", "Sun, 06 Nov 1994 08:49:37 +0000", utc(RFC_EXAMPLE)],
    ["takes -0000 as UTC", "Sun, 06 Nov 1994 08:49:37 -0000", utc(RFC_EXAMPLE)],
    ["applies +0200 and marks the date not UTC", "Sun, 06 Nov 1994 08:49:37 +0200", zoned(784104577000)],
    ["applies -0530 and marks the date not UTC", "Sun, 06 Nov 1994 08:49:37 -0530", zoned(784131577000)],
    ["applies +1400", "Sun, 06 Nov 1994 08:49:37 +1400", zoned(784061377000)],
    ["applies -0100 across midnight", "Sun, 06 Nov 1994 23:59:59 -0100", zoned(784169999000)],
    ["takes GMT as UTC", "Sun, 06 Nov 1994 08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["takes UT as UTC", "Sun, 06 Nov 1994 08:49:37 UT", utc(RFC_EXAMPLE)],
    ["takes UTC as UTC", "Sun, 06 Nov 1994 08:49:37 UTC", utc(RFC_EXAMPLE)],
    ["takes Z as UTC", "Sun, 06 Nov 1994 08:49:37 Z", utc(RFC_EXAMPLE)],
    ["takes lower-case gmt as UTC", "Sun, 06 Nov 1994 08:49:37 gmt", utc(RFC_EXAMPLE)],
    ["applies EST (-0500), not UTC", "Sun, 06 Nov 1994 08:49:37 EST", zoned(784129777000)],
    ["applies lower-case est", "Sun, 06 Nov 1994 08:49:37 est", zoned(784129777000)],
    ["applies EDT (-0400)", "Sun, 06 Nov 1994 08:49:37 EDT", zoned(784126177000)],
    ["applies CST (-0600)", "Sun, 06 Nov 1994 08:49:37 CST", zoned(784133377000)],
    ["applies MST (-0700)", "Sun, 06 Nov 1994 08:49:37 MST", zoned(784136977000)],
    ["applies PDT (-0700)", "Sun, 06 Nov 1994 08:49:37 PDT", zoned(784136977000)],
    ["takes an unknown zone name (CET) as UTC, like CPython's naive datetime", "Sun, 06 Nov 1994 08:49:37 CET", utc(RFC_EXAMPLE)],
    ["takes an unknown zone name (XYZ) as UTC", "Sun, 06 Nov 1994 08:49:37 XYZ", utc(RFC_EXAMPLE)],
    ["takes a date without a zone as UTC", "Sun, 06 Nov 1994 08:49:37", utc(RFC_EXAMPLE)],
    // CPython reads an unsigned 0200 as +02:00; here it is an unknown zone name.
    ["takes an unsigned 0200 as an unknown zone (UTC)", "Sun, 06 Nov 1994 08:49:37 0200", utc(RFC_EXAMPLE)],
  ];

  const invalid: Row[] = [
    ["refuses an empty string", "", null],
    ["refuses whitespace alone", "   ", null],
    ["refuses garbage", "garbage", null],
    ["refuses 31 February", "Sun, 31 Feb 1994 08:49:37 GMT", null],
    ["refuses 30 February of a leap year", "Tue, 30 Feb 2016 00:00:00 GMT", null],
    ["refuses 29 February of a non-leap century", "Mon, 29 Feb 2100 00:00:00 GMT", null],
    ["refuses day 0", "Sun, 00 Nov 1994 08:49:37 GMT", null],
    ["refuses day 32", "Sun, 32 Nov 1994 08:49:37 GMT", null],
    ["refuses hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", null],
    ["refuses minute 60", "Sun, 06 Nov 1994 08:60:00 GMT", null],
    ["refuses second 62", "Sun, 06 Nov 1994 08:49:62 GMT", null],
    ["refuses a date without a time", "Sun, 06 Nov 1994 GMT", null],
    ["refuses a date without a time or zone", "Sun, 06 Nov 1994", null],
    ["refuses an unknown month", "Sun, 06 Foo 1994 08:49:37 GMT", null],
    ["refuses fractional seconds", "Sun, 06 Nov 1994 08:49:37.5 GMT", null],
    ["refuses a malformed time", "Sun, 06 Nov 1994 8h49 GMT", null],
    ["refuses a five-digit year", "Sun, 06 Nov 19944 08:49:37 GMT", null],
    // CPython drops a bare weekday without its comma; here the comma is required.
    ["refuses a weekday without its comma", "Sun 06 Nov 1994 08:49:37 GMT", null],
  ];

  const leapSecond: Row[] = [
    ["reads second 59", "Sun, 06 Nov 1994 08:49:59 GMT", utc(784111799000)],
    ["clamps leap second 60 to 59", "Sun, 06 Nov 1994 08:49:60 GMT", utc(784111799000)],
    ["clamps second 61 to 59", "Sun, 06 Nov 1994 08:49:61 GMT", utc(784111799000)],
  ];

  const tolerance: Row[] = [
    ["tolerates surrounding whitespace and lower case", "  sun, 06 nov 1994 08:49:37 gmt  ", utc(RFC_EXAMPLE)],
    ["tolerates runs of spaces, a tab and an upper-case month", "Sun,  06   NOV  1994\t08:49:37 GMT", utc(RFC_EXAMPLE)],
    ["tolerates a leading tab and a trailing CRLF", "\tSun, 06 Nov 1994 08:49:37 GMT\r\n", utc(RFC_EXAMPLE)],
  ];

  for (const [group, rows] of [
    ["IMF-fixdate", imfFixdate],
    ["RFC 850", rfc850],
    ["asctime", asctime],
    ["zone", zones],
    ["invalid", invalid],
    ["leap second", leapSecond],
    ["whitespace and case", tolerance],
  ] as const) {
    for (const [name, text, expected] of rows) {
      it(`parseHttpDate() ${name} [${group}: ${JSON.stringify(text)}]`, () => {
        assert.deepEqual(parseHttpDate(text), expected);
      });
    }
  }

  it("parseHttpDate() reads back what formatHttpDate() writes", () => {
    for (const ms of [0, RFC_EXAMPLE, 951782400000, 4107542399000, -1000, -30636619200000, 253402300799000]) {
      assert.deepEqual(parseHttpDate(formatHttpDate(ms)), utc(ms), `round trip of ${ms}`);
    }
  });
});

describe("formatLogDate()", () => {
  /** Runs `fn` with process.env.TZ set to `tz` (Node re-reads TZ on assignment), then restores it. */
  function inZone(tz: string, fn: () => void): void {
    const saved = process.env["TZ"];
    process.env["TZ"] = tz;
    try {
      fn();
    } finally {
      if (saved === undefined) delete process.env["TZ"];
      else process.env["TZ"] = saved;
    }
  }

  // Expectations from CPython's log_date_time_string() under TZ=<zone> (time.localtime).
  const rows: Array<[zone: string, ms: number, expected: string]> = [
    ["UTC", RFC_EXAMPLE, "06/Nov/1994 08:49:37"],
    ["UTC", 1700000000750, "14/Nov/2023 22:13:20"],
    ["UTC", -30636619200000, "01/Mar/0999 12:00:00"],
    ["Etc/GMT+5", RFC_EXAMPLE, "06/Nov/1994 03:49:37"],
    ["Etc/GMT+5", 1700000000750, "14/Nov/2023 17:13:20"],
    ["Etc/GMT+5", -30636619200000, "01/Mar/0999 07:00:00"],
    ["Asia/Kolkata", RFC_EXAMPLE, "06/Nov/1994 14:19:37"],
    ["Asia/Kolkata", 1700000000750, "15/Nov/2023 03:43:20"],
    ["Pacific/Kiritimati", RFC_EXAMPLE, "05/Nov/1994 22:49:37"],
    ["Pacific/Kiritimati", 1700000000750, "15/Nov/2023 12:13:20"],
  ];
  for (const [zone, ms, expected] of rows) {
    it(`formatLogDate() writes ${ms} in local time under TZ=${zone}`, () => {
      inZone(zone, () => assert.equal(formatLogDate(ms), expected));
    });
  }

  it("formatLogDate() gives every instant of a second the same text, made afresh for the next second and after TZ changes", () => {
    inZone("UTC", () => {
      assert.equal(formatLogDate(1700000000001), "14/Nov/2023 22:13:20");
      assert.equal(formatLogDate(1700000000999), "14/Nov/2023 22:13:20");
      assert.equal(formatLogDate(1700000001000), "14/Nov/2023 22:13:21");
      assert.equal(formatLogDate(1700000000500, [null, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "nov", "Dec"]), "14/nov/2023 22:13:20");
      assert.equal(formatLogDate(1700000001000), "14/Nov/2023 22:13:21");
    });
    inZone("Etc/GMT+5", () => assert.equal(formatLogDate(1700000001000), "14/Nov/2023 17:13:21"));
  });

  it("formatLogDate() uses the machine's local time, whatever its zone", () => {
    for (const ms of [RFC_EXAMPLE, 1700000000750, 951782400000]) {
      // Shift the instant by the local offset and read it back in UTC: local wall time, computed another way.
      const wall = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
      const pad = (n: number): string => String(n).padStart(2, "0");
      const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][wall.getUTCMonth()];
      const expected = `${pad(wall.getUTCDate())}/${month}/${wall.getUTCFullYear()} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
      assert.equal(formatLogDate(ms), expected, `local time of ${ms}`);
    }
  });

  it("formatLogDate() without an argument writes Date.now()", (t) => {
    t.mock.method(Date, "now", () => RFC_EXAMPLE);
    inZone("UTC", () => assert.equal(formatLogDate(), "06/Nov/1994 08:49:37"));
  });
});
