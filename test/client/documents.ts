import { graphql } from "./generated";

/**
 * The operations of the kit's tests, typed by the client preset (codegen.yml). In cookie mode the
 * payload's refreshToken is null; the link's transport header put it into the HttpOnly cookie.
 */
export const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      accessToken
      accessTokenExpiresAt
      refreshToken
      user {
        id
        email
      }
    }
  }
`);

/** Five queries a dashboard might send at once. */
export const DashboardMeDocument = graphql(`
  query DashboardMe {
    me {
      id
      email
    }
  }
`);

export const DashboardRoleDocument = graphql(`
  query DashboardRole {
    me {
      id
      role
    }
  }
`);

export const DashboardSessionsDocument = graphql(`
  query DashboardSessions {
    sessions {
      id
      current
    }
  }
`);

export const DashboardVerifiedDocument = graphql(`
  query DashboardVerified {
    me {
      id
      emailVerified
    }
  }
`);

export const DashboardSinceDocument = graphql(`
  query DashboardSince {
    me {
      id
      createdAt
    }
  }
`);

export const SessionEventsDocument = graphql(`
  subscription SessionEvents {
    sessionEvents {
      type
      current
      sessionId
      at
    }
  }
`);
