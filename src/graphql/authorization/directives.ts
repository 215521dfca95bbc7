/**
 * The authorization directives and roles, for services that enforce our @auth/@public policies
 * without the server's base SDL (src/graphql/base.graphql declares the same; a test keeps them equal).
 */
export const AUTH_DIRECTIVES_SDL = `
"""
Authorization policy. Every root field must carry @auth or @public; anything else is denied.
\`requires\` is the minimum role; ADMIN satisfies USER. \`verified: true\` also requires a verified
email address (EMAIL_NOT_VERIFIED otherwise).
"""
directive @auth(requires: Role = USER, verified: Boolean = false) on OBJECT | FIELD_DEFINITION

"Explicitly reachable without an access token."
directive @public on FIELD_DEFINITION

enum Role {
  USER
  ADMIN
}
`;
