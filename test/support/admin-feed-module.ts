import { defineModule } from "../../src/core";

/** A test module with an ADMIN-only subscription (to watch a demotion end it) and a slow query. */
export const adminFeed = defineModule({
  name: "admin-feed",
  typeDefs: `
    type Subscription { adminTicks: Int! @auth(requires: ADMIN) }
    type Query { "Answers after 300 ms: an operation in flight." slowPing: Int! @public }
  `,
  resolvers: {
    Query: {
      slowPing: () => new Promise<number>((resolve) => setTimeout(() => resolve(1), 300)),
    },
    Subscription: {
      adminTicks: {
        subscribe: async function* ticks() {
          for (let i = 0; ; i++) {
            yield { adminTicks: i };
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
      },
    },
  },
});
