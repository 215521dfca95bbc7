/**
 * Every URL an HTML page makes the browser load from another host: src/href attributes (script
 * contents aside, which are code, not markup) and CSS url()/@import, that are absolute http(s) or
 * protocol-relative. Links a user follows (<a href>) are not loads and are left out.
 */
export function externalLoads(html: string): string[] {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2");
  const found: string[] = [];
  for (const tag of markup.match(/<(?!a\b)[a-z][a-z0-9-]*\b[^>]*>/gi) ?? []) {
    for (const [, , url] of tag.matchAll(/\s(src|href|srcset|poster|data|action)\s*=\s*["']?([^"'\s>]+)/gi)) {
      if (url && isRemote(url)) found.push(url);
    }
  }
  for (const style of markup.match(/<style\b[^>]*>[\s\S]*?<\/style>/gi) ?? []) {
    for (const [, url] of style.matchAll(/(?:url\(|@import\s+)\s*["']?([^"')\s;]+)/gi)) {
      if (url && isRemote(url)) found.push(url);
    }
  }
  return found;
}

function isRemote(url: string): boolean {
  return /^(https?:)?\/\//i.test(url.trim());
}
