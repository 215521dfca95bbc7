import { etagMatches } from "../../src/http/etag";

describe("etagMatches (If-None-Match)", () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"other", "abc"', true],
    ["*", true],
    ['"abcd"', false],
    ["abc", false],
  ])("%j against \"abc\" → %s", (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});
