import { parseKeysCommand } from "../../src/cli/keys-command";

describe("parseKeysCommand", () => {
  it.each([
    [["list"], { action: "list", json: false }],
    [["list", "--json"], { action: "list", json: true }],
    [["rotate"], { action: "rotate" }],
    [["revoke", "kid-1"], { action: "revoke", kid: "kid-1" }],
  ])("reads %j", (args, command) => expect(parseKeysCommand(args)).toEqual(command));

  it.each([[[]], [["shred"]], [["list", "--yaml"]], [["rotate", "now"]], [["revoke"]], [["revoke", ""]], [["revoke", "a", "b"]]])(
    "refuses %j (usage is told before the database is opened)",
    (args) => expect(parseKeysCommand(args)).toBeNull(),
  );
});
