const BASE = "http://portal.invalid";

/**
 * A callback URL reduced to a path of this portal, or "/". Browsers read `/\host`, `//host`
 * and paths with tabs or newlines (`/%09/host`) as other origins, so anything with a
 * backslash or a control character is refused before the URL is resolved. Dot segments
 * (`/.//host`, `/a/..//host`, `/%2e//host`) resolve to `//host`, so the check is made again on
 * the resolved path: what is returned is a fixed point, the same path when resolved once more,
 * the way the browser will resolve it.
 */
export function sameOriginPath(value: string | null | undefined): string {
  const path = resolvedPath(value);
  return path !== null && resolvedPath(path) === path ? path : "/";
}

function resolvedPath(value: string | null | undefined): string | null {
  if (!value?.startsWith("/") || value.startsWith("//")) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return null;
    const path = `${url.pathname}${url.search}${url.hash}`;
    return path.startsWith("//") ? null : path;
  } catch {
    return null;
  }
}
