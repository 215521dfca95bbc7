import { acceptsGzip } from "../../src/http/accept-encoding";

describe("acceptsGzip", () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ["", false],
    ["identity", false],
    ["gzip", true],
    ["GZIP", true],
    ["gzip, deflate, br, zstd", true],
    ["br;q=1.0, gzip;q=0.8", true],
    ["x-gzip", true],
    ["*", true],
    ["gzip;q=0", false],
    ["gzip;q=0.000, *", false],
    ["br, *;q=0", false],
    ["br, *;q=0.1", true],
    ["gzip;q=nonsense", false],
  ])("%j → %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
