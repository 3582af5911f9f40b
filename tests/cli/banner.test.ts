import { test } from "node:test";
import assert from "node:assert/strict";
import type { NetworkInterfaceInfo } from "node:os";
import { bannerLine, reachableUrls } from "../../src/cli/banner.js";

test("bannerLine() is Python's banner", () => {
  assert.equal(bannerLine("0.0.0.0", 8000), "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...");
  assert.equal(bannerLine("127.0.0.1", 1234), "Serving HTTP on 127.0.0.1 port 1234 (http://127.0.0.1:1234/) ...");
  assert.equal(bannerLine("::", 8000), "Serving HTTP on :: port 8000 (http://[::]:8000/) ...");
  assert.equal(bannerLine("::1", 80), "Serving HTTP on ::1 port 80 (http://[::1]:80/) ...");
  assert.equal(bannerLine("0.0.0.0", 8443, true), "Serving HTTPS on 0.0.0.0 port 8443 (https://0.0.0.0:8443/) ...");
});

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: "255.255.255.0", family: "IPv4", mac: "00:00:00:00:00:00", internal, cidr: null });
const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "00:00:00:00:00:00", internal, cidr: null, scopeid: 0 });
const IFACES = {
  lo: [v4("127.0.0.1", true), v6("::1", true)],
  eth0: [v4("192.168.1.20"), v6("fe80::1"), v6("2001:db8::20")],
  wlan0: undefined,
};

test("reachableUrls() for a dual-stack wildcard: localhost, then each external address (no link-local)", () => {
  assert.deepEqual(reachableUrls("::", 8000, IFACES), {
    local: ["http://localhost:8000/"],
    network: ["http://192.168.1.20:8000/", "http://[2001:db8::20]:8000/"],
  });
});

test("reachableUrls() for 0.0.0.0: IPv4 addresses only", () => {
  assert.deepEqual(reachableUrls("0.0.0.0", 8000, IFACES), { local: ["http://localhost:8000/"], network: ["http://192.168.1.20:8000/"] });
});

test("reachableUrls() for loopback and specific addresses", () => {
  assert.deepEqual(reachableUrls("127.0.0.1", 81, IFACES), { local: ["http://localhost:81/"], network: [] });
  assert.deepEqual(reachableUrls("::1", 81, IFACES), { local: ["http://localhost:81/"], network: [] });
  assert.deepEqual(reachableUrls("192.168.1.20", 81, IFACES), { local: [], network: ["http://192.168.1.20:81/"] });
  assert.deepEqual(reachableUrls("2001:db8::20", 81, IFACES), { local: [], network: ["http://[2001:db8::20]:81/"] });
});

test("reachableUrls() with TLS gives https URLs", () => {
  assert.deepEqual(reachableUrls("127.0.0.1", 8443, {}, true), { local: ["https://localhost:8443/"], network: [] });
});
