import path from "node:path";
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // Container images (infra/docker/web.Dockerfile) ship the self-contained server only.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  poweredByHeader: false,
  // The monorepo root holds the lockfile and node_modules.
  outputFileTracingRoot: path.join(__dirname, "..", ".."),
  turbopack: { root: path.join(__dirname, "..", "..") },
};

export default config;
