/**
 * The `me` floor of the goals bench (issue 11): Apollo on Fastify with nothing of this server but
 * a JWT context, started as a child process (PORT, JWT_SECRET as the auth server's HS256 key,
 * BARE_ME_EMAIL).
 * `me` answers from the verified token's claims: no session check, no database, no limits, no
 * logging, no validation rules. What the real server adds over this is the price of being an auth
 * server; the goal is to pay at most 5 % of it.
 */
import { createSecretKey } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify from "fastify";
import jwt from "jsonwebtoken";

interface Claims {
  sub: string;
  role: string;
}

/** Access tokens carry no email claim; the bench's user's address stands in (BARE_ME_EMAIL). */
const EMAIL = process.env.BARE_ME_EMAIL ?? "";

type Context = { claims: Claims | null };

const typeDefs = `
  type User { id: ID! email: String! role: String! }
  type Query { me: User }
`;

const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Context) => (ctx.claims ? { id: ctx.claims.sub, email: EMAIL, role: ctx.claims.role } : null),
  },
};

async function main(): Promise<void> {
  const secret = process.env.JWT_SECRET;
  if (!secret) throw new Error("JWT_SECRET is required");
  // Created once, as the guide says every jsonwebtoken caller must.
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  const apollo = new ApolloServer<Context>({ typeDefs, resolvers, introspection: false });
  await apollo.start();
  const app = Fastify();
  app.get("/ready", async () => ({ ready: true }));
  app.post(
    "/graphql",
    fastifyApolloHandler<Context>(apollo, {
      context: async (request) => {
        const header = request.headers.authorization;
        if (!header?.startsWith("Bearer ")) return { claims: null };
        try {
          return { claims: jwt.verify(header.slice(7), key, { algorithms: ["HS256"] }) as Claims };
        } catch {
          return { claims: null };
        }
      },
    }),
  );
  await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
  process.once("SIGTERM", () => {
    void (async () => {
      await app.close();
      await apollo.stop();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bare Apollo server failed: ${String(error)}\n`);
  process.exit(1);
});
