import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from "graphql";
import { hideSuggestionsPlugin } from "./hide-suggestions";
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from "./query-limits";

export interface QueryLimitOptions {
  /** Production: no "Did you mean …?", so a client cannot enumerate the schema by guessing. */
  hideSuggestions: boolean;
}

/** Spread into the ApolloServer config (merge `plugins` with the others). */
export interface QueryLimits {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  validationOptions: { hideSuggestions: boolean };
}

/**
 * Depth, aliases, directives and cost are graphql-armor validation rules: a document over a limit
 * never executes, and Apollo answers HTTP 400 GRAPHQL_VALIDATION_FAILED. The token limit is
 * graphql-js's own parser option (HTTP 400 GRAPHQL_PARSE_FAILED): armor's Apollo token plugin
 * throws from `parsingDidStart`, which Apollo treats as an unexpected error and answers with a 500.
 */
export function createQueryLimits(options: QueryLimitOptions): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: MAX_DEPTH, ...reportOnly() },
    maxAliases: { n: MAX_ALIASES, ...reportOnly() },
    maxDirectives: { n: MAX_DIRECTIVES, ...reportOnly() },
    costLimit: { maxCost: MAX_COST, ...reportOnly() },
    maxTokens: { enabled: false },
    // Replaced by graphql-js's `hideSuggestions` plus our plugin, which also covers enum values.
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...plugins, ...(options.hideSuggestions ? [hideSuggestionsPlugin()] : [])],
    validationRules,
    parseOptions: { maxLexicalTokens: MAX_TOKENS },
    // graphql-js then skips computing suggestions at all during validation.
    validationOptions: { hideSuggestions: options.hideSuggestions },
  };
}

function reportOnly() {
  return { propagateOnRejection: false, onReject: [reportRejection] };
}

/**
 * Reported as an ordinary validation error (never thrown, which Apollo would turn into a 500).
 * armor prefixes "Syntax Error: ", which is wrong for a well-formed document; the rest names only
 * the limit and the count found.
 */
function reportRejection(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, "")));
}
