import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export class ArtifactTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`artifact exceeds ${limitBytes} bytes`);
  }
}

/** A received file, checked before it is kept (commit) or dropped (discard). */
export interface StagedBlob {
  sha256: string;
  sizeBytes: number;
  /** Where the bytes can be read while staged. */
  path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Where uploaded files live. Local folder by default; object storage fits the same shape. */
export interface ArtifactStore {
  /** Streams a body to a staging area, hashing on the way; never holds the whole file in memory. */
  stage(body: Readable, maxBytes: number): Promise<StagedBlob>;
  /** Path of a committed blob; content-addressed, never rewritten. */
  pathOf(sha256: string): string;
}

export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
  }

  pathOf(sha256: string): string {
    return path.join(this.root, "sha256", sha256.slice(0, 2), sha256);
  }

  async stage(body: Readable, maxBytes: number): Promise<StagedBlob> {
    const tmp = path.join(this.root, "tmp", `${process.pid}-${crypto.randomUUID()}`);
    const hash = crypto.createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new ArtifactTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, fs.createWriteStream(tmp, { mode: 0o444 }));
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
    const sha256 = hash.digest("hex");
    const final = this.pathOf(sha256);
    return {
      sha256,
      sizeBytes: size,
      path: tmp,
      async commit() {
        await fs.promises.mkdir(path.dirname(final), { recursive: true });
        // Same content, same name: a second upload of a file replaces it atomically.
        await fs.promises.rename(tmp, final);
      },
      discard: () => fs.promises.rm(tmp, { force: true }),
    };
  }
}
