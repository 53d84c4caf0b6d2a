import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./safe-redirect";

describe("sameOriginPath", () => {
  it("happy: this portal's own paths are kept, with their query and fragment", () => {
    expect(sameOriginPath("/usage?days=7")).toBe("/usage?days=7");
    expect(sameOriginPath("/models/modelmarket/sentiment#plans")).toBe("/models/modelmarket/sentiment#plans");
    // Dot segments that stay on the portal are resolved, as the browser would.
    expect(sameOriginPath("/a/../usage")).toBe("/usage");
  });

  it("security: every form that a browser reads as another origin becomes /", () => {
    const evil = [
      "//evil.example/x",
      "/\\evil.example/x",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example/",
      "evil.example",
      // Dot segments resolve to a protocol-relative path (the review's three forms and relatives).
      "/.//evil.example/",
      "/./%2F/evil.example/",
      "/a/..//evil.example/",
      "/%2e//evil.example",
      "/%2E//evil.example",
      "/%2e%2e//evil.example",
      "/a/%2e%2e//evil.example",
      "/././/evil.example",
      "/.%2f/evil.example",
      "/a/b/../..//evil.example",
      "/..//evil.example",
    ];
    for (const value of evil) {
      const path = sameOriginPath(value);
      expect(new URL(path, "https://portal.example").origin, value).toBe("https://portal.example");
      expect(path.startsWith("//"), value).toBe(false);
    }
    expect(sameOriginPath(null)).toBe("/");
    expect(sameOriginPath("")).toBe("/");
  });
});
