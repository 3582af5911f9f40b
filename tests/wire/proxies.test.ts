// The pure pieces behind proxies: CIDR ranges (ipBytes, parseCidrs,
// inRanges), RFC 7239 Forwarded and X-Forwarded-For (forwardedClient: the
// right-most untrusted hop), and the PROXY protocol header v1/v2
// (parseProxyHeader), each split at every byte.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inRanges, ipBytes, parseCidrs } from "../../src/wire/ip-cidr.js";
import { forwardedClient, nodeAddress, parseForwarded } from "../../src/wire/forwarded.js";
import { parseProxyHeader, V2_MAX } from "../../src/wire/proxy-protocol.js";

describe("ip-cidr", () => {
  it("ipBytes() reads IPv4, IPv6 (with ::, brackets, zones, an IPv4 tail) and IPv4-mapped IPv6 as IPv4", () => {
    assert.deepEqual([...(ipBytes("192.0.2.1") ?? [])], [192, 0, 2, 1]);
    assert.deepEqual([...(ipBytes("::ffff:10.1.2.3") ?? [])], [10, 1, 2, 3]);
    assert.deepEqual([...(ipBytes("[::1]") ?? [])], [...Array(15).fill(0), 1]);
    assert.deepEqual([...(ipBytes("2001:db8::1") ?? [])], [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]);
    assert.deepEqual([...(ipBytes("fe80::1%eth0") ?? [])].slice(0, 2), [0xfe, 0x80]);
    assert.deepEqual([...(ipBytes("64:ff9b::192.0.2.33") ?? [])].slice(12), [192, 0, 2, 33]);
    for (const bad of ["", "unknown", "_hidden", "1.2.3", "256.1.1.1", "::g"]) assert.equal(ipBytes(bad), null, bad);
  });

  const rows: ReadonlyArray<readonly [string, string, boolean]> = [
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.168.1.0/24", "192.168.1.77", true],
    ["192.168.1.0/25", "192.168.1.200", false],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.1", false],
    ["127.0.0.1", "127.0.0.1", true],
    ["127.0.0.1", "127.0.0.2", false],
    ["loopback", "127.9.9.9", true],
    ["loopback", "::1", true],
    ["loopback", "::ffff:127.0.0.1", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["10.0.0.0/8", "::ffff:10.0.0.1", true],
    ["10.0.0.0/8", "not-an-ip", false],
  ];
  for (const [cidr, ip, inside] of rows) {
    it(`inRanges(${ip}, ${cidr}) is ${inside}`, () => assert.equal(inRanges(ip, parseCidrs(cidr)), inside));
  }
  it("parseCidrs() refuses what is not a range, with a message for the command line", () => {
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/x", "example.com", "10.0.0/8", ""]) {
      assert.throws(() => parseCidrs(bad), RangeError, bad);
    }
  });
});

describe("Forwarded and X-Forwarded-For", () => {
  it("parseForwarded() reads elements, pairs, quoted strings and case-insensitive names (RFC 7239 section 4)", () => {
    assert.deepEqual(parseForwarded(['for="_gazonk"', 'For="[2001:db8:cafe::17]:4711"', "for=192.0.2.60;proto=HTTP;by=203.0.113.43, for=198.51.100.17"]), [
      { for: "_gazonk", proto: null },
      { for: "[2001:db8:cafe::17]:4711", proto: null },
      { for: "192.0.2.60", proto: "http" },
      { for: "198.51.100.17", proto: null },
    ]);
    assert.deepEqual(parseForwarded(['for="a,b;c"']), [{ for: "a,b;c", proto: null }]);
    assert.equal(parseForwarded(["for"]), null, "a pair without =");
  });

  it("nodeAddress() drops ports and brackets", () => {
    assert.deepEqual(["[2001:db8::1]:80", "192.0.2.1:8080", "2001:db8::1", " 10.0.0.1 ", "unknown"].map(nodeAddress), ["2001:db8::1", "192.0.2.1", "2001:db8::1", "10.0.0.1", "unknown"]);
  });

  const LB = parseCidrs("10.0.0.0/8");
  const headers = (h: Record<string, string[]>) => (name: string): readonly string[] => h[name] ?? [];
  const rows: ReadonlyArray<{ does: string; peer: string; h: Record<string, string[]>; expect: ReturnType<typeof forwardedClient> }> = [
    { does: "ignores the headers from a peer that is not trusted", peer: "203.0.113.5", h: { "X-Forwarded-For": ["6.6.6.6"] }, expect: null },
    { does: "takes the client X-Forwarded-For names behind one proxy", peer: "10.0.0.2", h: { "X-Forwarded-For": ["198.51.100.7"] }, expect: { address: "198.51.100.7", scheme: null } },
    {
      does: "takes the right-most untrusted hop, not a forged left-most one",
      peer: "10.0.0.2",
      h: { "X-Forwarded-For": ["6.6.6.6, 198.51.100.7, 10.0.0.9"] },
      expect: { address: "198.51.100.7", scheme: null },
    },
    { does: "reads several X-Forwarded-For fields in order", peer: "10.0.0.2", h: { "X-Forwarded-For": ["6.6.6.6", "198.51.100.7"] }, expect: { address: "198.51.100.7", scheme: null } },
    { does: "takes X-Forwarded-Proto's last value", peer: "10.0.0.2", h: { "X-Forwarded-For": ["198.51.100.7"], "X-Forwarded-Proto": ["http, https"] }, expect: { address: "198.51.100.7", scheme: "https" } },
    {
      does: "prefers Forwarded to X-Forwarded-For, with its proto",
      peer: "10.0.0.2",
      h: { Forwarded: ['for="[2001:db8::5]:1234";proto=https'], "X-Forwarded-For": ["6.6.6.6"] },
      expect: { address: "2001:db8::5", scheme: "https" },
    },
    { does: "stops at a hop that is not an address", peer: "10.0.0.2", h: { Forwarded: ["for=192.0.2.1, for=_hidden, for=10.0.0.3"] }, expect: { address: "_hidden", scheme: null } },
    { does: "falls back to X-Forwarded-For when Forwarded is malformed", peer: "10.0.0.2", h: { Forwarded: ["nonsense"], "X-Forwarded-For": ["198.51.100.7"] }, expect: { address: "198.51.100.7", scheme: null } },
    { does: "gives the left-most hop when every hop is trusted", peer: "10.0.0.2", h: { "X-Forwarded-For": ["10.0.0.7, 10.0.0.8"] }, expect: { address: "10.0.0.7", scheme: null } },
    { does: "ignores a scheme other than http or https", peer: "10.0.0.2", h: { "X-Forwarded-For": ["198.51.100.7"], "X-Forwarded-Proto": ["javascript"] }, expect: { address: "198.51.100.7", scheme: null } },
    { does: "is null without headers", peer: "10.0.0.2", h: {}, expect: null },
  ];
  for (const row of rows) {
    it(`forwardedClient() ${row.does}`, () => assert.deepEqual(forwardedClient(row.peer, headers(row.h), LB), row.expect));
  }
  it("forwardedClient() trusts nobody without ranges", () => assert.equal(forwardedClient("10.0.0.2", headers({ "X-Forwarded-For": ["1.2.3.4"] }), []), null));
});

/** A v2 header: PROXY command (or LOCAL), a family byte and its address block, then TLVs. */
function v2(command: number, fam: number, addresses: Buffer, tlv: Buffer = Buffer.alloc(0)): Buffer {
  const sig = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(addresses.length + tlv.length);
  return Buffer.concat([sig, Buffer.from([0x20 | command, fam]), len, addresses, tlv]);
}
const V4_ADDRS = Buffer.from([192, 0, 2, 10, 10, 0, 0, 1, 0xd4, 0x31, 0x01, 0xbb]); // 192.0.2.10:54321 -> 10.0.0.1:443
const V6_ADDRS = Buffer.concat([Buffer.from("20010db8000000000000000000000005", "hex"), Buffer.from("00000000000000000000000000000001", "hex"), Buffer.from([0x30, 0x39, 0x00, 0x50])]);

describe("parseProxyHeader", () => {
  const complete: ReadonlyArray<readonly [string, Buffer, readonly [string, number] | null, 1 | 2]> = [
    ["v1 TCP4", Buffer.from("PROXY TCP4 192.0.2.10 10.0.0.1 54321 443\r\n"), ["192.0.2.10", 54321], 1],
    ["v1 TCP6", Buffer.from("PROXY TCP6 2001:db8::5 ::1 12345 80\r\n"), ["2001:db8::5", 12345], 1],
    ["v1 UNKNOWN", Buffer.from("PROXY UNKNOWN\r\n"), null, 1],
    ["v2 TCP4", v2(1, 0x11, V4_ADDRS), ["192.0.2.10", 54321], 2],
    ["v2 TCP6", v2(1, 0x21, V6_ADDRS), ["2001:db8::5", 12345], 2],
    ["v2 TCP4 with TLVs", v2(1, 0x11, V4_ADDRS, Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32])), ["192.0.2.10", 54321], 2],
    ["v2 LOCAL (a health check)", v2(0, 0x00, Buffer.alloc(0)), null, 2],
    ["v2 UNSPEC", v2(1, 0x00, Buffer.alloc(0)), null, 2],
  ];
  for (const [label, header, source, version] of complete) {
    it(`reads ${label}, split at every byte, leaving the request that follows`, () => {
      const request = Buffer.from("GET / HTTP/1.1\r\n");
      const all = Buffer.concat([header, request]);
      for (let cut = 0; cut < header.length; cut++) {
        assert.equal(parseProxyHeader(all.subarray(0, cut)).state, "incomplete", `${label} cut at ${cut}`);
      }
      assert.deepEqual(parseProxyHeader(all), { state: "complete", consumed: header.length, version, source });
    });
  }

  const refused: ReadonlyArray<readonly [string, Buffer]> = [
    ["a plain request", Buffer.from("GET / HTTP/1.1\r\n")],
    ["a TLS ClientHello", Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])],
    ["v1 with a bad address", Buffer.from("PROXY TCP4 999.0.2.10 10.0.0.1 1 2\r\n")],
    ["v1 with a bad port", Buffer.from("PROXY TCP4 192.0.2.10 10.0.0.1 65536 443\r\n")],
    ["v1 with a missing field", Buffer.from("PROXY TCP4 192.0.2.10 10.0.0.1 443\r\n")],
    ["v1 with an unknown family", Buffer.from("PROXY UDP4 192.0.2.10 10.0.0.1 1 2\r\n")],
    ["v1 longer than 107 bytes", Buffer.from("PROXY TCP6 " + "a".repeat(120))],
    ["v2 of version 3", Buffer.concat([v2(1, 0x11, V4_ADDRS).subarray(0, 12), Buffer.from([0x31, 0x11, 0, 12]), V4_ADDRS])],
    ["v2 with an unknown command", Buffer.concat([v2(1, 0x11, V4_ADDRS).subarray(0, 12), Buffer.from([0x2f, 0x11, 0, 12]), V4_ADDRS])],
    ["v2 with IPv4 addresses cut short", v2(1, 0x11, V4_ADDRS.subarray(0, 6))],
    ["v2 longer than allowed", Buffer.concat([v2(1, 0x11, V4_ADDRS).subarray(0, 14), Buffer.from([(V2_MAX >> 8) + 1, 0])])],
  ];
  for (const [label, bytes] of refused) {
    it(`refuses ${label}`, () => assert.equal(parseProxyHeader(bytes).state, "error"));
  }
});
