/**
 * The sign-in bar above GraphiQL: it runs `login` and writes `Authorization: Bearer <accessToken>`
 * into GraphiQL's headers editor, where every request of the page (and the websocket's connection
 * payload, see `connectionParams`) reads it. Sign-out ends the session on the server and removes
 * the header. The refresh token stays in this script's memory: GraphiQL persists its headers in
 * localStorage, which is fine for a short-lived access token and not for a refresh token.
 *
 * Plain browser JavaScript in a string: it is inlined into the page and allowed by its hash in the
 * page's Content-Security-Policy. The headers editor is reached through Monaco's documented global
 * API (the page sets `MonacoEnvironment.globalAPI`), by the model GraphiQL names `request-headers.json`.
 */

import { scriptJson } from "./inline-script";

export const SIGN_IN_GLOBAL = "graphiqlSignIn";

/** The bar; `endpoint` (a path of ours, not user input) also serves Apollo Sandbox to browsers. */
export function signInMarkup(endpoint: string): string {
  return `
<form id="sign-in" class="sign-in" autocomplete="on">
  <strong>Sign in</strong>
  <input name="email" type="email" placeholder="email" autocomplete="username" required />
  <input name="password" type="password" placeholder="password" autocomplete="current-password" required />
  <button type="submit">Sign in</button>
  <button type="button" id="sign-out">Sign out</button>
  <output id="sign-in-status" aria-live="polite">The access token goes into the Headers tab; subscriptions send it as the websocket's connection payload.</output>
  <a href="${endpoint}">Apollo Sandbox (needs a network)</a>
</form>`;
}

export const SIGN_IN_STYLE = `
body { display: flex; flex-direction: column; height: 100vh; }
#root { flex: 1; min-height: 0; }
#root .graphiql-container { height: 100%; width: 100%; }
.sign-in { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; padding: 0.4em 1em; font: 13px/1.4 system-ui, sans-serif; background: #f3f5f7; border-bottom: 1px solid #d8dde3; color: #1b2240; }
.sign-in input { font: inherit; padding: 0.2em 0.4em; width: 14em; }
.sign-in button { font: inherit; padding: 0.2em 0.8em; cursor: pointer; }
.sign-in output { flex: 1; min-width: 12em; color: #49526b; }
.sign-in output.error { color: #b3261e; }
`;

/** The page script; `endpoint` is the GraphQL path. */
export function signInScript(endpoint: string): string {
  return `
(() => {
  "use strict";
  const ENDPOINT = ${scriptJson(endpoint)};
  const LOGIN = "mutation GraphiQLSignIn($input: LoginInput!) { login(input: $input) { accessToken accessTokenExpiresAt refreshToken user { email role } } }";
  const LOGOUT = "mutation GraphiQLSignOut($refreshToken: String) { logout(refreshToken: $refreshToken) }";
  const form = document.getElementById("sign-in");
  const status = document.getElementById("sign-in-status");
  let refreshToken = null;

  const headersModel = () => {
    const models = window.monaco ? window.monaco.editor.getModels() : [];
    return models.find((model) => model.uri.path.endsWith("request-headers.json")) || null;
  };
  /** The headers editor as an object: {} when empty, null when it holds no JSON object. */
  const readHeaders = (model) => {
    const text = model ? model.getValue().trim() : "";
    if (text === "") return {};
    try {
      const value = JSON.parse(text);
      return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  };
  const authorizationKey = (headers) => Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
  /** Sets (or with null removes) Authorization, keeping the other headers. */
  const writeAuthorization = (model, headers, value) => {
    const rest = Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== "authorization"));
    const next = value === null ? rest : { Authorization: value, ...rest };
    // An edit rather than setValue: it stays on the editor's undo stack.
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: JSON.stringify(next, null, 2) }], () => null);
  };
  const show = (message, error) => {
    status.textContent = message;
    status.classList.toggle("error", error);
  };
  const post = async (query, variables, headers) => {
    const response = await fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    const error = body.errors && body.errors[0];
    if (error) throw new Error((error.extensions && error.extensions.code ? error.extensions.code + ": " : "") + error.message);
    return body.data;
  };
  /** The headers editor and its content, or null after telling the user why not. */
  const editableHeaders = () => {
    const model = headersModel();
    if (!model) return show("GraphiQL is still loading; try again in a moment.", true), null;
    const headers = readHeaders(model);
    if (!headers) return show("The Headers tab does not hold a JSON object; fix or clear it first.", true), null;
    return { model, headers };
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const editable = editableHeaders();
    if (!editable) return;
    try {
      const input = { email: form.elements.email.value, password: form.elements.password.value };
      const { login } = await post(LOGIN, { input });
      refreshToken = login.refreshToken;
      // Re-read: the headers may have been edited while the login ran.
      writeAuthorization(editable.model, readHeaders(editable.model) || editable.headers, "Bearer " + login.accessToken);
      form.elements.password.value = "";
      const expires = new Date(login.accessTokenExpiresAt).toLocaleTimeString();
      show("Signed in as " + login.user.email + " (" + login.user.role + "); the token in the Headers tab expires at " + expires + ".", false);
    } catch (error) {
      show("Sign-in failed: " + error.message, true);
    }
  });

  document.getElementById("sign-out").addEventListener("click", async () => {
    const editable = editableHeaders();
    if (!editable) return;
    const key = authorizationKey(editable.headers);
    if (!refreshToken && !key) return show("Not signed in: the Headers tab has no Authorization header.", false);
    const presented = refreshToken ? {} : { authorization: editable.headers[key] };
    try {
      // Ends the session on the server, and with it the socket of any running subscription.
      await post(LOGOUT, { refreshToken }, presented);
      show("Signed out: the session ended and the Authorization header is gone.", false);
    } catch (error) {
      show("Removed the Authorization header, but ending the session failed: " + error.message, true);
    }
    refreshToken = null;
    writeAuthorization(editable.model, readHeaders(editable.model) || editable.headers, null);
  });

  window.${SIGN_IN_GLOBAL} = {
    /** graphql-ws reads this on every (re)connection: the current Authorization header, as the server expects it. */
    connectionParams() {
      const headers = readHeaders(headersModel()) || {};
      const key = authorizationKey(headers);
      return key && typeof headers[key] === "string" ? { authorization: headers[key] } : {};
    },
  };
})();
`;
}
