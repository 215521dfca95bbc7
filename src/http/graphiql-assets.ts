/**
 * The parts of `@graphql-yoga/render-graphiql` that its own renderGraphiQL() inlines: GraphiQL's
 * bundle (it defines the global `YogaGraphiQL.renderYogaGraphiQL`), its CSS with fonts and images
 * as data: URLs, the favicon, and Monaco's three web workers. Nothing in them is fetched from a host.
 */
export interface GraphiQLAssets {
  js: string;
  css: string;
  favicon: string;
  editorWorkerService: string;
  jsonWorker: string;
  graphqlWorker: string;
}

const ASSET_NAMES = ["js", "css", "favicon", "editorWorkerService", "jsonWorker", "graphqlWorker"] as const;

/** The package's subpath export; TypeScript's node10 resolution does not read `exports`, Node does. */
const ASSETS_MODULE = "@graphql-yoga/render-graphiql/graphiql";

/**
 * Loads the 9 MB of assets; called on the first request for the page, never at import time, so
 * a server that never serves GraphiQL (production) never holds them.
 */
export function loadGraphiQLAssets(): GraphiQLAssets {
  const loaded = require(ASSETS_MODULE) as Partial<Record<(typeof ASSET_NAMES)[number], unknown>>;
  const missing = ASSET_NAMES.filter((name) => typeof loaded[name] !== "string" || loaded[name] === "");
  if (missing.length > 0) throw new Error(`${ASSETS_MODULE} no longer exports ${missing.join(", ")}: the GraphiQL page needs an update`);
  return loaded as GraphiQLAssets;
}
