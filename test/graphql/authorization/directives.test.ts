import { type DefinitionNode, Kind, parse, print } from "graphql";
import { AUTH_DIRECTIVES_SDL, BASE_TYPE_DEFS } from "../../../src/graphql";

/** The printed @auth, @public and Role definitions of `sdl`, by name. */
function authDefinitions(sdl: string): Record<string, string> {
  const named = (d: DefinitionNode) =>
    (d.kind === Kind.DIRECTIVE_DEFINITION && ["auth", "public"].includes(d.name.value)) ||
    (d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === "Role");
  return Object.fromEntries(
    parse(sdl).definitions.filter(named).map((d) => [(d as { name: { value: string } }).name.value, print(d)]),
  );
}

describe("AUTH_DIRECTIVES_SDL (what services using the verifier kit declare)", () => {
  it("declares @auth, @public and Role exactly as the server's base SDL does", () => {
    const kit = authDefinitions(AUTH_DIRECTIVES_SDL);
    expect(Object.keys(kit).sort()).toEqual(["Role", "auth", "public"]);
    expect(kit).toEqual(authDefinitions(BASE_TYPE_DEFS));
  });
});
