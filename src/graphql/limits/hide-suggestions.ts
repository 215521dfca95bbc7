import type { ApolloServerPlugin } from "@apollo/server";

/**
 * Every graphql-js suggestion form: `Did you mean "me"?`, `Did you mean "a", "b", or "c"?`,
 * `Did you mean the enum value "ADMIN"?`. Names never contain "?", so `[^?]*` cannot overrun.
 * (graphql-armor's own mask only matches the first form and would leak enum values.)
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** The message without graphql-js's "Did you mean …?" hint. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}

/**
 * With introspection off, suggestions would let a client enumerate fields, types and enum values
 * by guessing. Rewrites messages in place before Apollo formats them.
 */
export function hideSuggestionsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = withoutSuggestions(error.message);
        },
      };
    },
  };
}
