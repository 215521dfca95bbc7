import type { ApolloServerPlugin } from "@apollo/server";
import type { TypeSource } from "@graphql-tools/utils";
import type { GraphQLFormattedError } from "graphql";
import { authorizationPlugin } from "../graphql/authorization/apollo-plugin";
import { AUTH_DIRECTIVES_SDL } from "../graphql/authorization/directives";
import { createErrorFormatter } from "../graphql/errors/format-error";
import type { VerifyResult } from "./result";
import type { TokenVerifier } from "./token-verifier";

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** The request as Apollo's standalone and express integrations hand it to `context`. */
export interface ContextRequest {
  req: { headers: { authorization?: string | undefined } };
}

/**
 * An Apollo Server `context` function: the ViewerState fields (`viewer`, `authFailure`,
 * `authError`) the authorization plugin reads. Spread it into a larger context if you need one.
 */
export function apolloContext(verifier: TokenVerifier): (request: ContextRequest) => Promise<VerifyResult> {
  return ({ req }) => verifier.verify(req.headers.authorization);
}

export interface FormatterOptions {
  /** Development only: show unexpected errors' real messages. Default false. */
  exposeInternalMessages?: boolean;
  /** Where unexpected errors (masked as INTERNAL_SERVER_ERROR for clients) go. Default: a process warning. */
  logError?: (error: unknown) => void;
}

/**
 * The auth server's own error formatter: AuthErrors (UNAUTHENTICATED with its reason, FORBIDDEN,
 * SERVICE_UNAVAILABLE) keep their code whether thrown before execution or by a resolver; anything
 * unexpected is masked.
 */
export function authErrorFormatter(options: FormatterOptions = {}): FormatError {
  return createErrorFormatter({
    exposeInternalMessages: options.exposeInternalMessages ?? false,
    logError: options.logError ?? ((error) => process.emitWarning(error instanceof Error ? error : String(error))),
  });
}

interface AuthorizableConfig {
  typeDefs?: TypeSource;
  plugins?: ApolloServerPlugin<any>[];
  formatError?: FormatError;
}

/**
 * Apollo Server options with the auth server's deny-by-default authorization: the `@auth`/`@public`
 * SDL added to `typeDefs` (if you pass a prebuilt `schema`, include AUTH_DIRECTIVES_SDL in it), the
 * pre-execution check as a plugin, and the error formatter unless you bring your own.
 */
export function withAuthorization<T extends AuthorizableConfig>(config: T): T & { plugins: ApolloServerPlugin<any>[]; formatError: FormatError } {
  return {
    ...config,
    ...(config.typeDefs === undefined ? {} : { typeDefs: [AUTH_DIRECTIVES_SDL, config.typeDefs] }),
    plugins: [...(config.plugins ?? []), authorizationPlugin()],
    formatError: config.formatError ?? authErrorFormatter(),
  };
}
