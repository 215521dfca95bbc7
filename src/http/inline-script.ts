import { createHash } from "node:crypto";

/** JSON inlined in a <script> element: `<` escaped, so no value can close the element or open a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The CSP source that allows exactly this inline script (its UTF-8 text, as browsers hash it). */
export function scriptHashSource(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}
