import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Auth } from "../auth";
import { INTROSPECTION_PATH } from "./discovery-routes";

export interface ServiceCredentialCheck {
  id: string;
  secret: Buffer;
}

export interface IntrospectionOptions {
  viewers: Pick<Auth["viewers"], "authenticate">;
  credentials: readonly ServiceCredentialCheck[];
  issuer: string;
  audience: string;
  /** Maps an infrastructure failure (database down) to a retryable answer; null for anything else. */
  isOutage(error: unknown): boolean;
}

const FORM = "application/x-www-form-urlencoded";
const MAX_FORM_BYTES = 8 * 1024;

/**
 * RFC 7662 token status for services that cannot wait for `exp`: is this access token's session
 * live right now? Callers authenticate with HTTP Basic (SERVICE_CREDENTIALS). Every token that is
 * not live — malformed, expired, revoked, a refresh token — is `{ "active": false }` and nothing
 * more (§2.2), so the endpoint tells nothing about tokens that do not work.
 */
export async function registerIntrospectionRoute(app: FastifyInstance, options: IntrospectionOptions): Promise<void> {
  const expected = options.credentials.map((c) => ({ id: c.id, digest: digest(`${c.id}:${c.secret.toString("utf8")}`) }));
  await app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: "string", bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.post(INTROSPECTION_PATH, async (request, reply) => {
      const client = authenticateClient(request.headers.authorization, expected);
      if (!client) return unauthorizedClient(reply);
      if (request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() !== FORM) return reply.status(415).send({ error: "invalid_request", error_description: `send ${FORM}` });
      const token = (request.body as Record<string, unknown> | null)?.token;
      if (typeof token !== "string" || token.length === 0) return reply.status(400).send({ error: "invalid_request", error_description: "token is required" });
      try {
        const { state, claims } = await options.viewers.authenticate(`Bearer ${token}`);
        if (!state.viewer || !claims) return { active: false };
        request.log.debug({ client, sid: claims.sid }, "token introspected");
        return {
          active: true,
          token_type: "access_token",
          sub: claims.sub,
          sid: claims.sid,
          // The live role, which may differ from the one the token carries.
          role: state.viewer.user.role,
          exp: claims.exp,
          iat: claims.iat,
          jti: claims.jti,
          iss: options.issuer,
          aud: options.audience,
        };
      } catch (error) {
        if (!options.isOutage(error)) throw error;
        request.log.warn({ err: error }, "token status unavailable");
        return reply.status(503).header("retry-after", "1").send({ error: "temporarily_unavailable" });
      }
    });
  });
}

/** The caller's id, or null. Every configured credential is compared, in constant time each. */
function authenticateClient(header: string | undefined, expected: ReadonlyArray<{ id: string; digest: Buffer }>): string | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const raw = Buffer.from(match[1], "base64").toString("utf8");
  // RFC 6749 §2.3.1: clients form-encode id and secret before base64 (a "+" or "/" of a base64
  // secret arrives as %2B, %2F); both spellings are accepted.
  const presented = [raw, formDecodedPair(raw)].filter((value): value is string => value !== null).map(digest);
  let found: string | null = null;
  for (const candidate of expected) {
    for (const value of presented) if (timingSafeEqual(candidate.digest, value)) found = candidate.id;
  }
  return found;
}

function formDecodedPair(raw: string): string | null {
  const colon = raw.indexOf(":");
  if (colon < 0) return null;
  try {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, " "));
    return `${decode(raw.slice(0, colon))}:${decode(raw.slice(colon + 1))}`;
  } catch {
    return null;
  }
}

function unauthorizedClient(reply: FastifyReply) {
  return reply
    .status(401)
    .header("www-authenticate", 'Basic realm="introspect", charset="UTF-8"')
    .send({ error: "invalid_client", error_description: "authenticate with a SERVICE_CREDENTIALS id and secret (HTTP Basic)" });
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
