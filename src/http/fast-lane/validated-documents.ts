import { type DocumentNode, type GraphQLSchema, parse, type ParseOptions, specifiedRules, validate, type ValidationRule } from "graphql";

export interface DocumentRules {
  schema: GraphQLSchema;
  parseOptions: ParseOptions;
  /** Beyond graphql-js's specified rules: the query limits, as Apollo is given them. */
  validationRules: readonly ValidationRule[];
  validationOptions: { hideSuggestions: boolean };
  /** Off: a document that names `__schema` or `__type` is never taken (Apollo refuses it). */
  introspection: boolean;
}

/**
 * What is kept: the query texts' sum (characters; a body is at most 64 KiB, so at least 64 of the
 * largest) and their number (each document is at most MAX_TOKENS tokens, so a few KiB of AST).
 */
export interface DocumentBudget {
  characters: number;
  entries: number;
}
const DEFAULT_BUDGET: DocumentBudget = { characters: 4 * 1024 * 1024, entries: 1000 };

/** Names Apollo's NoIntrospection rule looks for; `__typename` is not one of them. */
const INTROSPECTION = /__(schema|type)\b/;

/**
 * Query text → the document parsed and validated under the same rules Apollo applies, or null when
 * it fails either (Apollo then answers, with its own errors). Least recently used first out once the
 * texts kept exceed the budget, like Apollo's own document store, which the fast lane stands beside.
 */
export class ValidatedDocuments {
  private readonly kept = new Map<string, DocumentNode | null>();
  private size = 0;
  private readonly rules: readonly ValidationRule[];

  constructor(
    private readonly options: DocumentRules,
    private readonly budget: DocumentBudget = DEFAULT_BUDGET,
  ) {
    this.rules = [...specifiedRules, ...options.validationRules];
  }

  get(query: string): DocumentNode | null {
    const known = this.kept.get(query);
    if (known !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.kept.delete(query);
      this.kept.set(query, known);
      return known;
    }
    const document = this.prepare(query);
    this.remember(query, document);
    return document;
  }

  private prepare(query: string): DocumentNode | null {
    if (!this.options.introspection && INTROSPECTION.test(query)) return null;
    let document: DocumentNode;
    try {
      document = parse(query, this.options.parseOptions);
    } catch {
      return null;
    }
    return validate(this.options.schema, document, this.rules, this.options.validationOptions).length === 0 ? document : null;
  }

  /** How many documents (valid or not) are kept. */
  get count(): number {
    return this.kept.size;
  }

  private remember(query: string, document: DocumentNode | null): void {
    if (query.length > this.budget.characters) return;
    this.kept.set(query, document);
    this.size += query.length;
    for (const [oldest] of this.kept) {
      if (this.size <= this.budget.characters && this.kept.size <= this.budget.entries) break;
      this.kept.delete(oldest);
      this.size -= oldest.length;
    }
  }
}
