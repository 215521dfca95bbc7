import type { Module } from "../core/module";
import { authModule } from "./auth";

/**
 * The modules this server is made of, in schema order. Register yours here (see
 * docs/extending.md); `npm run schema` then prints the published schema.graphql from them.
 */
export const MODULES: readonly Module[] = [authModule];
