import { jwksFreshSeconds, jwksMaxAgeSeconds } from "../../src/verifier/cache-control";

describe("JWKS lifetime from Cache-Control", () => {
  it.each([
    ["public, max-age=600", 600],
    ["max-age=30, must-revalidate", 30],
    ["Public, Max-Age=5", 5],
    [null, 600],
    ["public", 600],
    ["max-age=abc", 600],
    ["max-age=-1", 600],
    ["max-age=0", 1],
    ["no-store", 1],
    ["no-cache, max-age=600", 1],
    ["max-age=31536000", 86_400],
  ])("%s → %s s", (header, seconds) => {
    expect(jwksMaxAgeSeconds(header)).toBe(seconds);
  });
});

describe("JWKS lifetime left, with the Age of a cache in between", () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  it.each([
    [{ "cache-control": "public, max-age=600" }, 600],
    [{ "cache-control": "public, max-age=600", age: "550" }, 50],
    [{ "cache-control": "public, max-age=600", age: "900" }, 1],
    [{ "cache-control": "public, max-age=600", age: "x" }, 600],
    [{ age: "100" }, 500],
  ])("%j → %s s", (values, seconds) => expect(jwksFreshSeconds(headers(values))).toBe(seconds));
});
