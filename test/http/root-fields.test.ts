import { buildSchema, type OperationDefinitionNode, parse } from "graphql";
import { rootFieldsOf } from "../../src/http/root-fields";

const schema = buildSchema(`
  type Query { me: String, sessions: [String] }
  type Mutation { login: String, refreshToken: String }
`);

function fieldsOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  if (!operation) throw new Error("no operation");
  return rootFieldsOf(schema, operation, document);
}

describe("rootFieldsOf", () => {
  it("names each root field by response key and schema coordinate", () => {
    expect(fieldsOf("mutation { login refreshToken }")).toEqual([
      { key: "login", coordinate: "Mutation.login" },
      { key: "refreshToken", coordinate: "Mutation.refreshToken" },
    ]);
  });

  it("reads aliases as keys but labels by the field's own name (a client cannot invent coordinates)", () => {
    expect(fieldsOf("query { a: me, b: me, anything_at_all: sessions }")).toEqual([
      { key: "a", coordinate: "Query.me" },
      { key: "b", coordinate: "Query.me" },
      { key: "anything_at_all", coordinate: "Query.sessions" },
    ]);
  });

  it("follows inline fragments and fragment spreads at the root", () => {
    expect(fieldsOf("query { ...F ... on Query { sessions } } fragment F on Query { me __typename }")).toEqual([
      { key: "me", coordinate: "Query.me" },
      { key: "__typename", coordinate: "Query.__typename" },
      { key: "sessions", coordinate: "Query.sessions" },
    ]);
  });

  it("terminates on a fragment cycle (which validation would have refused)", () => {
    expect(fieldsOf("query { ...A } fragment A on Query { me ...B } fragment B on Query { sessions ...A }")).toEqual([
      { key: "me", coordinate: "Query.me" },
      { key: "sessions", coordinate: "Query.sessions" },
    ]);
  });
});
