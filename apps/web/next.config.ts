import path from "node:path";
import type { NextConfig } from "next";

// Every page: no framing by other sites, no MIME sniffing, scripts and connections from this
// origin only. Next's inline bootstrap scripts need 'unsafe-inline' without a nonce setup.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

const config: NextConfig = {
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: CSP },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
  reactStrictMode: true,
  // Container images (infra/docker/web.Dockerfile) ship the self-contained server only.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  poweredByHeader: false,
  // The monorepo root holds the lockfile and node_modules.
  outputFileTracingRoot: path.join(__dirname, "..", ".."),
  turbopack: { root: path.join(__dirname, "..", "..") },
};

export default config;
