const BASE = "http://portal.invalid";

/**
 * A callback URL reduced to a path of this portal, or "/". Browsers read `/\host`, `//host`
 * and paths with tabs or newlines (`/%09/host`) as other origins, so anything with a
 * backslash or a control character is refused before the URL is resolved.
 */
export function sameOriginPath(value: string | null | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//")) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
