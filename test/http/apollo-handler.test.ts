import { searchOf } from "../../src/http/apollo-handler";

/** What Apollo reads GET parameters from: the request target's query, as `new URL(...).search` gave it, Host aside. */
describe("searchOf", () => {
  it.each([
    ["/graphql", ""],
    ["/graphql?", "?"],
    ["/graphql?query=%7Ba%7D&operationName=A", "?query=%7Ba%7D&operationName=A"],
    ["/graphql?query={ a }", "?query={ a }"],
    ["/graphql?variables={}#frag", "?variables={}"],
    ["/graphql#?query={a}", ""],
    ["/graphql?a=1?b=2", "?a=1?b=2"],
  ])("%p → %p", (target, search) => {
    expect(searchOf(target)).toBe(search);
  });
});
