import { GraphQLScalarType } from "graphql";

/** Output-only in this schema: audit details are plain objects of primitives. */
export const JSONObjectScalar = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: "JSONObject",
  description: "A JSON object.",
  serialize(value) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    throw new TypeError("JSONObject cannot represent a non-object value");
  },
});
