import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Stores a model where the API's content-addressed store would put it (read-only, named by
 * its SHA-256 under DATA_DIR/artifacts), and returns that name: the tier's model name.
 */
export function storeModel(dataDir: string, bytes: Uint8Array): string {
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  const file = path.join(dataDir, "artifacts", "sha256", sha.slice(0, 2), sha);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes, { mode: 0o444 });
  return sha;
}
