import type { AuditEventType } from "../../auth";
import type { AuditEventResolvers, AuditEventType as GqlAuditEventType } from "../../graphql/generated/resolvers-types";

/** GraphQL enum values are the upper-cased stored event types. */
export const toGqlAuditType = (type: AuditEventType) => type.toUpperCase() as GqlAuditEventType;
export const fromGqlAuditType = (type: GqlAuditEventType) => type.toLowerCase() as AuditEventType;

export const AuditEvent: AuditEventResolvers = {
  type: (event) => toGqlAuditType(event.type),
};
