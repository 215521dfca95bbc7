/**
 * Bounds on the work one GraphQL document may ask for, checked before any resolver runs. The
 * schema is shallow (the deepest real selection is `signup { user { id } }`, depth 3), so these
 * leave ample room for real clients and tools while cutting off amplification: without them one
 * request could alias `login` hundreds of times and queue that many argon2 hashes.
 */

/**
 * Selection nesting. Real operations need 3; the usual `__type` shape
 * (`fields { type { ofType { ofType { ofType { name } } } } }`) needs 7.
 */
export const MAX_DEPTH = 10;

/**
 * Aliased fields per operation. Each aliased `login`/`signup` is one argon2 hash (~25 ms of a
 * core); 15 keeps a single request's worst case near 0.4 s of hashing. `__typename` aliases are free.
 */
export const MAX_ALIASES = 15;

/** Directive applications per operation; `@include`/`@skip` are cheap but each is visited. */
export const MAX_DIRECTIVES = 50;

/**
 * Lexical tokens per document, enforced while parsing so an enormous document is abandoned
 * before it is fully parsed or validated. The longest real operation is well under 100.
 */
export const MAX_TOKENS = 1000;

/**
 * graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level, × `first`). A full page of
 * `users(first: 100)` with every field costs 800, so 5000 allows a few of those per request.
 */
export const MAX_COST = 5000;
