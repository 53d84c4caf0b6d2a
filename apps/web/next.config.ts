import path from "node:path";
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The monorepo root holds the lockfile and node_modules.
  outputFileTracingRoot: path.join(__dirname, "..", ".."),
  turbopack: { root: path.join(__dirname, "..", "..") },
};

export default config;
