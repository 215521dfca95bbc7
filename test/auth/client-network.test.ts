import { clientNetworkKey, normalizeClientIp } from "../../src/auth/client-network";

describe("clientNetworkKey (rate-limit keys)", () => {
  it("keys IPv6 clients by their /64: rotating the interface id does not escape the budget", () => {
    const keys = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:abcd::9", "[2001:db8:1:2::7]:443", "2001:db8:1:2::1%eth0"].map(
      (ip) => clientNetworkKey(ip, 64),
    );
    expect(new Set(keys)).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(clientNetworkKey("2001:db8:1:3::1", 64)).not.toBe(keys[0]);
  });

  it("honours other prefix lengths, including ones inside a group", () => {
    expect(clientNetworkKey("2001:db8:abcd:12ff::1", 56)).toBe("2001:db8:abcd:1200::/56");
    expect(clientNetworkKey("2001:db8:abcd:12ff::1", 48)).toBe("2001:db8:abcd::/48");
    expect(clientNetworkKey("2001:db8::1", 128)).toBe("2001:db8::1/128");
    expect(clientNetworkKey("2001:db8::2", 128)).not.toBe(clientNetworkKey("2001:db8::1", 128));
  });

  it("treats IPv4-mapped IPv6 as the IPv4 address, in either notation", () => {
    expect(clientNetworkKey("::ffff:192.0.2.1", 64)).toBe("192.0.2.1");
    expect(clientNetworkKey("::ffff:c000:0201", 64)).toBe("192.0.2.1");
    expect(clientNetworkKey("0:0:0:0:0:ffff:192.0.2.1", 64)).toBe("192.0.2.1");
    expect(clientNetworkKey("192.0.2.1", 64)).toBe("192.0.2.1");
    expect(clientNetworkKey("192.0.2.1:8080", 64)).toBe("192.0.2.1");
  });

  it("treats IPv4 clients translated to the NAT64 well-known prefix (64:ff9b::/96) as their IPv4 address", () => {
    // An IPv6-only server behind stateless translation (SIIT-DC, RFC 7755) sees every IPv4 client
    // inside 64:ff9b::/96: keyed by /64, all of them would share one budget.
    expect(clientNetworkKey("64:ff9b::192.0.2.1", 64)).toBe("192.0.2.1");
    expect(clientNetworkKey("64:ff9b::c633:6409", 64)).toBe("198.51.100.9");
    expect(clientNetworkKey("64:ff9b::192.0.2.1", 64)).not.toBe(clientNetworkKey("64:ff9b::198.51.100.9", 64));
    expect(normalizeClientIp("64:FF9B::203.0.113.9")).toBe("203.0.113.9");
    // Only the /96 carries an IPv4 address; the rest of 64:ff9b::/64 stays IPv6.
    expect(clientNetworkKey("64:ff9b::1:c000:201", 64)).toBe("64:ff9b::/64");
  });

  it("keeps IPv4 addresses apart (no prefix grouping for IPv4)", () => {
    expect(clientNetworkKey("192.0.2.1", 64)).not.toBe(clientNetworkKey("192.0.2.2", 64));
  });

  it("keys what is not an address by itself, bounded, and never confuses it with an address", () => {
    expect(clientNetworkKey("not-an-ip", 64)).toBe("raw:not-an-ip");
    expect(clientNetworkKey("1:2:3:4:5:6:7:8:9", 64)).toBe("raw:1:2:3:4:5:6:7:8:9");
    expect(clientNetworkKey("256.1.1.1", 64)).toBe("raw:256.1.1.1");
    expect(clientNetworkKey("1::2::3", 64)).toBe("raw:1::2::3");
    expect(clientNetworkKey("x".repeat(500), 64)).toHaveLength(104);
    expect(clientNetworkKey(null, 64)).toBe("unknown");
  });
});

describe("normalizeClientIp (what sessions and the audit trail record)", () => {
  it.each([
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["::1", "::1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["203.0.113.9", "203.0.113.9"],
    ["garbage", "garbage"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeClientIp(raw)).toBe(expected);
  });
});
