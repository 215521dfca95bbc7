import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { formatResult, resultBody } from "../../../src/http/fast-lane/format-result";

const passThrough = (formatted: GraphQLFormattedError) => formatted;

describe("formatResult", () => {
  it("a clean result: no status, no errors; the body orders errors, data, extensions and ends in a newline", () => {
    const result = { data: { a: 1 } };
    const formatted = formatResult(result, { formatError: passThrough, hideSuggestions: true, includeStacktrace: false });
    expect(formatted.status).toBeUndefined();
    expect(formatted.errors).toBeUndefined();
    expect(resultBody(formatted.errors, { extensions: { e: 1 }, data: { a: 1 } })).toBe('{"data":{"a":1},"extensions":{"e":1}}\n');
  });

  it("an error gets INTERNAL_SERVER_ERROR by default, its http status and headers move to the response", () => {
    const teapot = new GraphQLError("short", { extensions: { code: "TEAPOT", http: { status: 418, headers: new Map([["x-a", "1"]]) } } });
    const formatted = formatResult({ data: null, errors: [new GraphQLError("plain"), teapot] }, { formatError: passThrough, hideSuggestions: false, includeStacktrace: false });
    expect(formatted.status).toBe(418);
    expect([...formatted.headers]).toEqual([["x-a", "1"]]);
    expect(formatted.errors?.map((e) => e.extensions)).toEqual([{ code: "INTERNAL_SERVER_ERROR" }, { code: "TEAPOT" }]);
  });

  it("errors and no data at all: 400, as Apollo answers variable coercion", () => {
    expect(formatResult({ errors: [new GraphQLError("x")] }, { formatError: passThrough, hideSuggestions: false, includeStacktrace: false }).status).toBe(400);
  });

  it("hides suggestions, adds stacks only in development, and masks a formatter that throws", () => {
    const error = () => new GraphQLError('Unknown thing. Did you mean "me"?');
    const hidden = formatResult({ data: null, errors: [error()] }, { formatError: passThrough, hideSuggestions: true, includeStacktrace: false });
    expect(hidden.errors?.[0]?.message).toBe("Unknown thing.");
    const dev = formatResult({ data: null, errors: [error()] }, { formatError: passThrough, hideSuggestions: false, includeStacktrace: true });
    expect(dev.errors?.[0]?.message).toContain("Did you mean");
    expect(Array.isArray(dev.errors?.[0]?.extensions?.stacktrace)).toBe(true);
    const throwing = () => {
      throw new Error("formatter broke");
    };
    const masked = formatResult({ data: null, errors: [error()] }, { formatError: throwing, hideSuggestions: true, includeStacktrace: false });
    expect(masked.errors).toEqual([{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
  });
});
