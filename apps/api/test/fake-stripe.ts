// A local HTTP server standing in for api.stripe.com in tests: the real `stripe` SDK talks to it
// (host/port/protocol), it answers like Stripe for the endpoints Modelmarket uses, honours
// idempotency keys the way Stripe does (same key → same response, nothing created twice) and
// records every request so tests can check what was sent.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey: string | undefined;
  replayed: boolean;
}

const PREFIX: Record<string, string> = {
  "/v1/customers": "cus",
  "/v1/products": "prod",
  "/v1/prices": "price",
  "/v1/billing/meters": "mtr",
  "/v1/subscriptions": "sub",
  "/v1/billing/meter_events": "mev",
  "/v1/accounts": "acct",
  "/v1/account_links": "al",
  "/v1/transfers": "tr",
};

export class FakeStripe {
  readonly calls: RecordedCall[] = [];
  /** Answer this many requests to a path with HTTP 500 (after the SDK's retries, a failure). */
  failures = new Map<string, number>();
  private readonly byKey = new Map<string, unknown>();
  private server: http.Server | null = null;
  url = "";

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => this.answer(req, body, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Calls to a path (and method), first-time ones only unless `withReplays`. */
  to(method: string, path: string | RegExp, withReplays = false): RecordedCall[] {
    return this.calls.filter(
      (c) =>
        c.method === method &&
        (typeof path === "string" ? c.path === path : path.test(c.path)) &&
        (withReplays || !c.replayed),
    );
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const path = (req.url ?? "").split("?")[0] as string;
    const method = req.method ?? "GET";
    const key = req.headers["idempotency-key"] as string | undefined;
    const params = Object.fromEntries(new URLSearchParams(body));
    const failing = this.failures.get(path) ?? 0;
    if (failing > 0) {
      this.failures.set(path, failing - 1);
      this.calls.push({ method, path, params, idempotencyKey: key, replayed: false });
      this.send(res, 500, { error: { type: "api_error", message: "fake outage" } });
      return;
    }
    const cacheKey = key ? `${method} ${path} ${key}` : null;
    if (cacheKey && this.byKey.has(cacheKey)) {
      this.calls.push({ method, path, params, idempotencyKey: key, replayed: true });
      this.send(res, 200, this.byKey.get(cacheKey), { "idempotent-replayed": "true" });
      return;
    }
    this.calls.push({ method, path, params, idempotencyKey: key, replayed: false });
    const object = this.create(method, path, params);
    if (!object) {
      this.send(res, 404, { error: { type: "invalid_request_error", message: `no ${path}` } });
      return;
    }
    if (cacheKey) this.byKey.set(cacheKey, object);
    this.send(res, 200, object);
  }

  private create(method: string, path: string, params: Record<string, string>): Record<string, unknown> | null {
    const id = (prefix: string) => `${prefix}_${crypto.randomBytes(8).toString("hex")}`;
    const cancel = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (method === "DELETE" && cancel) return { id: cancel[1], object: "subscription", status: "canceled" };
    if (method !== "POST") return null;
    const prefix = PREFIX[path];
    if (!prefix) return null;
    const base = {
      id: id(prefix),
      object: path.split("/").pop()?.replace(/s$/, ""),
      created: Math.floor(Date.now() / 1000),
    };
    if (path === "/v1/account_links") {
      return { object: "account_link", url: `https://connect.stripe.test/setup/${params.account}`, expires_at: 0 };
    }
    if (path === "/v1/billing/meter_events") {
      return { object: "billing.meter_event", identifier: params.identifier, event_name: params.event_name };
    }
    if (path === "/v1/subscriptions") return { ...base, status: "active", customer: params.customer };
    return base;
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", "request-id": `req_${Date.now()}`, ...headers });
    res.end(JSON.stringify(body));
  }
}
