import { responseMediaType } from "../../../src/http/fast-lane/media-type";

/** Apollo Server 5's choice for a single result, case by case (the differential test checks it against Apollo itself). */
describe("responseMediaType", () => {
  it.each([
    [undefined, "application/json; charset=utf-8"],
    ["", "application/json; charset=utf-8"],
    ["*/*", "application/json; charset=utf-8"],
    ["application/json", "application/json; charset=utf-8"],
    ["application/graphql-response+json", "application/graphql-response+json; charset=utf-8"],
    ["application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json; charset=utf-8"],
    ["application/json;q=0.5, application/graphql-response+json", "application/graphql-response+json; charset=utf-8"],
    ["text/html", null],
  ])("Accept %p → %p", (accept, expected) => {
    expect(responseMediaType(accept)).toBe(expected);
    expect(responseMediaType(accept)).toBe(expected); // remembered
  });

  it("answers past its memory the same way", () => {
    for (let i = 0; i < 100; i++) expect(responseMediaType(`application/json, text/x-${i}`)).toBe("application/json; charset=utf-8");
  });
});
