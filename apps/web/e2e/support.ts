import crypto from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const API_URL = process.env.E2E_API_URL as string;
export const PASSWORD = "granite-lantern-orbit-7";

/** Console errors and uncaught exceptions of a page; every test asserts there are none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(__dirname, "..", "test-results", "screenshots", `${name}.png`),
    fullPage: true,
  });
}

/** On a 375 px phone the page does not scroll sideways (wide tables scroll inside their frame). */
export async function expectFitsPhone(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(
    () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
  );
  expect(overflow, `${page.url()} is wider than the phone`).toBeLessThanOrEqual(0);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 720 });
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}@example.com`;
}

/** Signs up through the portal's form; the user ends signed in on the catalog. */
export async function signUpInPortal(page: Page, tenantName: string): Promise<{ email: string }> {
  const email = uniqueEmail(tenantName.toLowerCase().replace(/\W+/g, "-"));
  await page.goto("/signup");
  await page.getByLabel("Organisation or your name").fill(tenantName);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return { email };
}

/** One GraphQL operation straight against the API, as a client program would send it. */
export async function api<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${API_URL}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}

export async function uploadArtifact(bytes: Uint8Array, kind: "model" | "asset", token: string): Promise<string> {
  const res = await fetch(`${API_URL}/v1/artifacts?kind=${kind}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", authorization: `Bearer ${token}` },
    body: bytes,
  });
  const body = (await res.json()) as { id?: string };
  if (!body.id) throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return body.id;
}

export const VOCAB = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n";

/** One MiB of an HTTP/1.1 chunked body. */
const CHUNKED_MIB = `${(1024 * 1024).toString(16)}\r\n${"x".repeat(1024 * 1024)}\r\n`;

/** Resolves when `socket` can take more or has closed (a reset is an answer here, not a failure). */
function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/** Writes chunked MiBs to `socket` until `stop()` or `limit` MiB; resolves with how many went out. */
export async function sendChunkedMiB(socket: net.Socket, limit: number, stop: () => boolean): Promise<number> {
  let sent = 0;
  while (!stop() && !socket.destroyed && sent < limit) {
    sent++;
    if (!socket.write(CHUNKED_MIB)) await drainedOrClosed(socket);
  }
  return sent;
}

/**
 * POSTs an unsized (chunked) body over a raw socket: `head`, then up to `mebibytes` MiB, stopping
 * as soon as the server answers or closes (0 MiB: the headers alone, then waits for an answer).
 * The answer is read the moment it arrives: fetch may surface a server's cut of a refused upload
 * as a reset before it hands over an answer it already had. Resolves with the answer's status (0:
 * none), how many MiB had gone out when it came, and the socket (still open unless the server
 * closed it).
 */
export async function postUnsized(
  base: string,
  route: string,
  contentType: string,
  head: string,
  mebibytes: number,
): Promise<{ status: number; sentMiB: number; socket: net.Socket }> {
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  await once(socket, "connect");
  let answer = "";
  socket.on("data", (d: Buffer) => {
    answer += d.toString("latin1");
  });
  socket.on("error", () => {}); // a cut upload shows as a reset or a broken pipe; `close` follows
  const answered = () => socket.destroyed || answer.includes("\r\n\r\n");
  socket.write(
    `POST ${route} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${contentType}\r\n` +
      `Transfer-Encoding: chunked\r\n\r\n${head ? `${Buffer.byteLength(head).toString(16)}\r\n${head}\r\n` : ""}`,
  );
  const sentMiB = await sendChunkedMiB(socket, mebibytes, answered);
  await expect.poll(answered, { timeout: 10_000 }).toBe(true);
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 0), sentMiB, socket };
}
