import net from "node:net";
import {
  decodeFrame,
  encodeFrame,
  FrameReader,
  type InferFrame,
  type ReplyFrame,
  type WireTensor,
} from "@modelmarket/kserve";

type Pending = { resolve: (reply: ReplyFrame) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/**
 * The API's side of the tier's socket (INFERENCE_SOCKET; the protocol is in
 * packages/kserve/src/tier-frames.ts): a few persistent connections, each carrying many calls
 * at once, matched to their replies by id. A connection that breaks fails the calls it carried
 * (the caller answers UNAVAILABLE, and a failed call is never billed); the next call opens a
 * new one.
 */
export class TierSocketClient {
  private readonly connections: Array<Connection | null>;
  private turn = 0;
  private nextId = 1;

  constructor(
    readonly socketPath: string,
    private readonly secret: string,
    connections = 2,
  ) {
    this.connections = new Array(connections).fill(null);
  }

  /** Sends one infer frame; resolves with the tier's reply, rejects when the connection breaks or `timeoutMs` passes. */
  call(frame: Omit<InferFrame, "id" | "inputs">, inputs: WireTensor[], timeoutMs: number): Promise<ReplyFrame> {
    const slot = this.turn++ % this.connections.length;
    let connection = this.connections[slot];
    if (!connection || connection.closed) {
      connection = new Connection(this.socketPath, this.secret);
      this.connections[slot] = connection;
    }
    const id = this.nextId++;
    return connection.send(encodeFrame({ ...frame, id }, "inputs", inputs), id, timeoutMs);
  }

  close(): void {
    for (const connection of this.connections) connection?.destroy();
  }
}

class Connection {
  closed = false;
  private readonly socket: net.Socket;
  private readonly pending = new Map<number, Pending>();

  constructor(socketPath: string, secret: string) {
    const reader = new FrameReader();
    this.socket = net.connect(socketPath);
    // An idle connection must not keep the process alive; calls in flight hold their timers.
    this.socket.unref();
    // Written as soon as the socket connects, ahead of any call.
    this.socket.write(encodeFrame({ id: 0, op: "hello", secret }, "inputs", []));
    this.socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      for (const frame of frames) {
        let reply: ReplyFrame;
        try {
          reply = decodeFrame<ReplyFrame>(frame, "outputs");
        } catch (error) {
          this.fail(error as Error);
          return;
        }
        const waiting = this.pending.get(reply.id);
        if (!waiting) continue;
        this.pending.delete(reply.id);
        clearTimeout(waiting.timer);
        waiting.resolve(reply);
      }
    });
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => this.fail(new Error("the tier closed the connection")));
  }

  send(frame: Buffer, id: number, timeoutMs: number): Promise<ReplyFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply from the tier within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.closed = true;
    this.socket.destroy();
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      this.pending.delete(id);
      waiting.reject(error);
    }
  }
}
