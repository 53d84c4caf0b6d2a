import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const GUARD = path.resolve(__dirname, "..", "..", "server-guard.cjs");
// A plain HTTP server standing in for Next: it answers with the visitor header it was given.
const SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  let size = 0;
  req.on("data", (c) => (size += c.length));
  req.on("end", () => res.end(JSON.stringify({ visitor: req.headers["x-modelmarket-visitor"] ?? null, size })));
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** The stand-in server behind the guard, with the given settings; resolves with its URL. */
function start(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ["--require", GUARD, "-e", SERVER], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve) =>
    child.stdout?.once("data", (d: Buffer) => resolve(`http://127.0.0.1:${String(d).trim()}`)),
  );
}

const visitorOf = async (url: string, headers: Record<string, string>) =>
  ((await (await fetch(url, { headers })).json()) as { visitor: string | null }).visitor;

describe("the portal's server guard", () => {
  it("security: with no trusted proxy, the visitor is the socket's address whatever X-Forwarded-For claims", async () => {
    const url = await start({ WEB_TRUSTED_PROXY_HOPS: "0" });
    expect(await visitorOf(url, {})).toBe("127.0.0.1");
    expect(await visitorOf(url, { "x-forwarded-for": "203.0.113.9" })).toBe("127.0.0.1");
    expect(await visitorOf(url, { "x-forwarded-for": "203.0.113.9, 198.51.100.1" })).toBe("127.0.0.1");
    // A client's own copy of the internal header is dropped.
    expect(await visitorOf(url, { "x-modelmarket-visitor": "203.0.113.9" })).toBe("127.0.0.1");
  });

  it("happy: behind one ingress, the visitor is the address the ingress appended, not what the client claimed before it", async () => {
    const url = await start({ WEB_TRUSTED_PROXY_HOPS: "1" });
    // The ingress appends the client it saw (198.51.100.1) after whatever the client sent.
    expect(await visitorOf(url, { "x-forwarded-for": "203.0.113.9, 198.51.100.1" })).toBe("198.51.100.1");
    expect(await visitorOf(url, { "x-forwarded-for": "198.51.100.1" })).toBe("198.51.100.1");
  });

  it("security: next-auth's routes refuse bodies over the cap (413) and bodies without a length (411); others pass", async () => {
    const url = await start({ WEB_AUTH_MAX_BODY_BYTES: "1000" });
    const post = (route: string, body: string | ReadableStream<Uint8Array>) =>
      fetch(`${url}${route}`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect((await post("/api/auth/callback/credentials", "x".repeat(1001))).status).toBe(413);
    expect((await post("/api/auth/callback/credentials", "x".repeat(1000))).status).toBe(200);
    const unsized = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.close();
      },
    });
    expect((await post("/api/auth/signin", unsized)).status).toBe(411);
    expect((await post("/api/graphql", "x".repeat(5000))).status).toBe(200);
  });
});
