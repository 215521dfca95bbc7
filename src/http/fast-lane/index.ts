export { admit } from "./admit";
export type { FastOperation } from "./admit";
export { fastLane } from "./fast-lane";
export type { FastLaneOptions } from "./fast-lane";
export { ValidatedDocuments } from "./validated-documents";
export type { DocumentRules } from "./validated-documents";
