import pino from "pino";
import { createApollo } from "../../src/http/apollo";
import { serverSchema } from "../support/schema";

/** Validation errors need no database: Apollo alone, through executeOperation. */
async function messageIn(development: boolean, query: string): Promise<string> {
  const apollo = createApollo({ schema: serverSchema(), introspection: true, development, logger: pino({ level: "silent" }) });
  await apollo.start();
  try {
    const response = await apollo.executeOperation({ query });
    if (response.body.kind !== "single") throw new Error("expected a single result");
    const message = response.body.singleResult.errors?.[0]?.message;
    if (!message) throw new Error("expected an error");
    return message;
  } finally {
    await apollo.stop();
  }
}

describe("field suggestions", () => {
  it("development keeps them", async () => {
    expect(await messageIn(true, "{ mee { id } }")).toBe('Cannot query field "mee" on type "Query". Did you mean "me"?');
  });

  it("elsewhere they are hidden", async () => {
    expect(await messageIn(false, "{ mee { id } }")).toBe('Cannot query field "mee" on type "Query".');
  });
});
