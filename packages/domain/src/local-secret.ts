import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A random secret kept in the data folder, for development defaults: every process that
 * shares DATA_DIR (API, inference tier) reads the same value, and it survives restarts.
 * Production configures secrets explicitly instead.
 */
export function localSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch {
      // Another process created it first; read theirs.
    }
    return fs.readFileSync(file, "utf8").trim();
  }
}
