import type { ApolloServerPlugin, GraphQLServerListener } from "@apollo/server";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";

/** Apollo's page writes its nonce into every <script> and <style> it allows. */
const NONCE = /<script nonce="([0-9a-f]+)"/;

/**
 * A bar above Apollo Sandbox that links to the bundled GraphiQL. It is in the page itself, so a
 * developer without a network (Sandbox comes from Apollo's CDN) sees it; online, the Sandbox is
 * moved below it. Its style needs the page's nonce (Apollo's CSP); without one it still shows,
 * unstyled, above the offline notice.
 */
export function withGraphiQLLink(html: string, graphiqlPath: string): string {
  const nonce = NONCE.exec(html)?.[1];
  const style = nonce
    ? `<style nonce="${nonce}">
  #offline-explorer { box-sizing: border-box; height: 2.5em; margin: 0; padding: 0.5em 1em; font: 14px/1.5 system-ui, sans-serif; background: #f3f5f7; border-bottom: 1px solid #d8dde3; }
  #react-root #embeddableSandbox { top: 2.5em; height: calc(100vh - 2.5em); }
</style>`
    : "";
  const bar = `<p id="offline-explorer">Offline? Use <a href="${graphiqlPath}">GraphiQL at ${graphiqlPath}</a>: bundled with this server, it needs no network.</p>`;
  const inserted = style ? `${style}\n${bar}` : bar;
  return html.includes("<body>") ? html.replace("<body>", `<body>\n${inserted}`) : `${inserted}${html}`;
}

/** Apollo's local landing page (the embedded Sandbox), with the link to GraphiQL. */
export function sandboxLandingPage(graphiqlPath: string): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false });
  return {
    async serverWillStart(service): Promise<GraphQLServerListener> {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) throw new Error("Apollo's landing page plugin renders no page");
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          return { html: async () => withGraphiQLLink(typeof page.html === "string" ? page.html : await page.html(), graphiqlPath) };
        },
      };
    },
  };
}
