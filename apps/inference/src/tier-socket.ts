import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  decodeFrame,
  encodeFrame,
  FrameReader,
  type HelloFrame,
  type InferFrame,
  type ReplyFrame,
} from "@modelmarket/kserve";
import { InferenceError } from "./inference-error";
import type { TierGuards } from "./routes/guards";
import { batchingOf } from "./routes/infer.route";
import { serveInfer } from "./routes/infer-call";
import type { TierContext } from "./routes/tier-context";
import { deadlineFrom, weightFrom } from "./routes/tier-headers";
import { checkWireTensor } from "./tensors";

/**
 * The tier's socket for an API on the same machine (INFERENCE_SOCKET): the infer route's call
 * in the frames of tier-frames.ts, over persistent connections that carry many calls at once.
 * The socket file is the tier user's alone (0600), and a connection serves nothing until its
 * first frame gives the shared secret. The same checks as the HTTP route: a tenant id, a stored
 * model, tensors whose data fit their shapes; the JSON schema is not run again, since the
 * frame's header is built by the API (and decodeFrame checks every tensor's byte size).
 */
export async function listenOnSocket(
  ctx: TierContext,
  guards: TierGuards,
  socketPath: string,
): Promise<{ close(): Promise<void> }> {
  const connections = new Set<net.Socket>();
  const server = net.createServer((connection) => {
    connections.add(connection);
    connection.on("close", () => connections.delete(connection));
    serveConnection(ctx, guards, connection);
  });
  // Its directory (DATA_DIR by default) may not exist yet on a first start, e.g. on PostgreSQL
  // where nothing else has written there: created private to this user when it is missing.
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  await removeStaleSocket(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.destroy();
      await closed;
    },
  };
}

function serveConnection(ctx: TierContext, guards: TierGuards, connection: net.Socket): void {
  const reader = new FrameReader();
  let authenticated = false;
  const reply = (frame: ReplyFrame, outputs: InferFrame["inputs"] = []) => {
    if (!connection.destroyed) connection.write(encodeFrame(frame as Record<string, unknown>, "outputs", outputs));
  };
  connection.on("error", () => connection.destroy());
  connection.on("data", (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = reader.push(chunk);
    } catch {
      connection.destroy();
      return;
    }
    for (const frame of frames) {
      const arrivedAt = performance.now();
      let call: InferFrame | HelloFrame;
      try {
        call = decodeFrame<InferFrame | HelloFrame>(frame, "inputs");
      } catch (error) {
        // Tensors whose bytes do not fit their header: that call is refused. A frame without
        // a readable header is not this protocol: the peer is broken, and so is the stream.
        const id = authenticated ? headerId(frame) : null;
        if (id === null) {
          connection.destroy();
          return;
        }
        reply(refusal(id, new InferenceError(400, "BAD_USER_INPUT", `Binary tensors: ${(error as Error).message}`)));
        continue;
      }
      if (!authenticated) {
        // The first frame names the caller; anything else closes the connection unanswered.
        if (call.op !== "hello" || !guards.secretMatches(String(call.secret))) {
          connection.destroy();
          return;
        }
        authenticated = true;
        continue;
      }
      if (call.op !== "infer") continue;
      void answer(ctx, guards, call, arrivedAt).then(
        (served) => reply({ id: call.id, outputs: [], timing: served.timing }, served.outputs),
        (error: unknown) => reply(refusal(call.id, error)),
      );
    }
  });
}

async function answer(ctx: TierContext, guards: TierGuards, call: InferFrame, arrivedAt: number) {
  const problem = guards.callProblem(call.tenant, call.model);
  if (problem) throw problem;
  let inputs: ReturnType<typeof checkWireTensor>[];
  try {
    if (!Array.isArray(call.inputs)) throw new Error("a frame without inputs");
    inputs = call.inputs.map((t, i) => checkWireTensor(t as Parameters<typeof checkWireTensor>[0], i));
  } catch (error) {
    throw new InferenceError(400, "BAD_USER_INPUT", (error as Error).message);
  }
  return serveInfer(
    ctx,
    {
      tenant: call.tenant,
      name: call.model,
      inputs,
      outputs: call.outputs,
      deadlineMs: deadlineFrom(call.deadlineMs, ctx.env.INFERENCE_DEADLINE_MS),
      weight: weightFrom(call.weight),
      batching: batchingOf(call.batching),
      requestId: call.requestId,
      transport: "socket",
    },
    arrivedAt,
  );
}

/** The id of a frame whose header is JSON with a positive integer id, else null. */
function headerId(frame: Buffer): number | null {
  try {
    const id = (JSON.parse(frame.subarray(4, 4 + frame.readUInt32LE(0)).toString("utf8")) as { id?: unknown }).id;
    return Number.isInteger(id) && (id as number) > 0 ? (id as number) : null;
  } catch {
    return null;
  }
}

/** The refusal frame of a failed call: the HTTP route's status, code and retry hint. */
function refusal(id: number, error: unknown): ReplyFrame {
  if (error instanceof InferenceError) {
    return {
      id,
      status: error.status,
      code: error.code,
      error: error.message,
      ...(error.failedIn ? { failedIn: error.failedIn } : {}),
      ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  return { id, status: 500, code: "INTERNAL", error: "The tier failed to serve this call." };
}

/**
 * A socket file left by a tier that is gone (a crash leaves it behind) is removed; one that a
 * live tier still answers on is not taken over (listen then fails with EADDRINUSE).
 */
async function removeStaleSocket(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (!alive) fs.rmSync(socketPath, { force: true });
}
