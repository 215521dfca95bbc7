import { cookieValues, MAX_COOKIE_VALUES } from "../../src/http/cookie-header";

describe("cookieValues (raw Cookie header)", () => {
  const name = "__Host-refresh_token";

  it.each<[string, string | undefined, string[]]>([
    ["no header", undefined, []],
    ["one cookie", `${name}=a`, ["a"]],
    ["duplicates, in order", `${name}=b; x=1; ${name}=a`, ["b", "a"]],
    ["the same value twice, once", `${name}=a; ${name}=a`, ["a"]],
    ["quoted values, unquoted", `${name}="a"; ${name}=b`, ["a", "b"]],
    ["percent-encoded values, decoded; malformed ones kept", `${name}=a%2Db; ${name}=%E0%A4`, ["a-b", "%E0%A4"]],
    ["empty values and pairs without '=' skipped", `${name}=; ${name}; =${name}=x; ${name}=c`, ["c"]],
    ["whitespace around names and values", `  ${name} =  d  ;x=y`, ["d"]],
    ["names compared literally, never decoded or case-folded", `__%48ost-refresh_token=a; __host-refresh_token=b; refresh_token=c`, []],
  ])("%s", (_what, header, expected) => {
    expect(cookieValues(header, name)).toEqual(expected);
  });

  it(`keeps at most ${MAX_COOKIE_VALUES} distinct values`, () => {
    const header = Array.from({ length: 500 }, (_, i) => `${name}=v${i}`).join("; ");
    expect(cookieValues(header, name)).toEqual(Array.from({ length: MAX_COOKIE_VALUES }, (_, i) => `v${i}`));
  });
});
