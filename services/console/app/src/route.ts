/** Where the app is: the hash `#/cases/<id>?…` split into path segments and query. */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const queryAt = raw.indexOf('?');
  const path = (queryAt >= 0 ? raw.slice(0, queryAt) : raw).split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  return { path, query: new URLSearchParams(queryAt >= 0 ? raw.slice(queryAt + 1) : '') };
}
