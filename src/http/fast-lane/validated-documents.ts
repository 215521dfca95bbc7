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
 * What is kept, in units of about 0.45 KiB, and documents. A parsed document holds every token and
 * location of its text, about 0.45 KiB per token (MAX_TOKENS: 1,000 per document), and the text
 * itself, which one string token can make 64 KiB: a document weighs its tokens plus one unit per
 * 512 characters (a failed one, its text alone). 25,000 units is about 11 MiB, or 250 real
 * operations of 100 tokens.
 */
export interface DocumentBudget {
  tokens: number;
  entries: number;
}
const DEFAULT_BUDGET: DocumentBudget = { tokens: 25_000, entries: 1000 };

/** Names Apollo's NoIntrospection rule looks for; `__typename` is not one of them. */
const INTROSPECTION = /__(schema|type)\b/;

/**
 * Query text → the document parsed and validated under the same rules Apollo applies, or null when
 * it fails either (Apollo then answers, with its own errors). Least recently used first out once the
 * documents kept exceed the budget, as in Apollo's own document store, which the lane stands beside.
 */
export class ValidatedDocuments {
  private readonly kept = new Map<string, { document: DocumentNode | null; weight: number }>();
  private weight = 0;
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
      return known.document;
    }
    const document = this.prepare(query);
    this.remember(query, document, (document ? tokensOf(document) : 0) + Math.ceil(query.length / 512));
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

  private remember(query: string, document: DocumentNode | null, weight: number): void {
    if (weight > this.budget.tokens) return;
    this.kept.set(query, { document, weight });
    this.weight += weight;
    for (const [oldest, entry] of this.kept) {
      if (this.weight <= this.budget.tokens && this.kept.size <= this.budget.entries) break;
      this.kept.delete(oldest);
      this.weight -= entry.weight;
    }
  }
}

/** The tokens a parsed document keeps alive (its location's linked list, comments included). */
function tokensOf(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) count++;
  return count;
}
