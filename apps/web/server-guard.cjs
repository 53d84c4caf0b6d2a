// What the portal's HTTP server does before Next.js sees a request. Loaded with
// `node --require ./apps/web/server-guard.cjs` by `npm start` (scripts/start.mjs) and by the
// container image, in front of `next start` or the standalone server alike.
//
// 1. The visitor's address, from the socket. Next.js keeps a client's own X-Forwarded-For and
//    only fills it in when absent, so a browser could name any address and dodge (or aim) the
//    API's per-address sign-in and sign-up limits. Here the chain is the client's header plus
//    the socket's address, and the visitor is WEB_TRUSTED_PROXY_HOPS entries from its right
//    (0: the socket itself; 1: what the one ingress in front appended). It is passed on as
//    X-Modelmarket-Visitor (a client's own copy of that header is dropped); lib/visitor.ts
//    forwards only that. Without this guard no visitor address is forwarded at all, and the
//    API's limits apply to the portal as a whole: never to an address a client chose.
// 2. A body cap on next-auth's routes (/api/auth/*), which read whole bodies into memory:
//    bodies over WEB_AUTH_MAX_BODY_BYTES (64 KiB) are refused with 413 before Next reads a
//    byte, and a body without a declared length there is refused with 411.
"use strict";
const http = require("node:http");

const hops = Math.max(0, Math.min(10, Number(process.env.WEB_TRUSTED_PROXY_HOPS ?? 0) || 0));
const authBodyLimit = Number(process.env.WEB_AUTH_MAX_BODY_BYTES ?? 64 * 1024) || 64 * 1024;
const VISITOR = "x-modelmarket-visitor";

/** The visitor's address: the client's X-Forwarded-For plus the socket, `hops` from the right. */
function visitorOf(req) {
  const claimed = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...claimed, req.socket.remoteAddress ?? ""].filter(Boolean);
  return chain[Math.max(0, chain.length - 1 - hops)] ?? "";
}

/** next-auth's routes take small forms only; refuses (and answers) anything else. */
function refusedAuthBody(req, res) {
  if (!req.url?.startsWith("/api/auth/") || req.method === "GET" || req.method === "HEAD") return false;
  const declared = req.headers["content-length"];
  const status =
    declared === undefined ? (req.headers["transfer-encoding"] ? 411 : 0) : Number(declared) > authBodyLimit ? 413 : 0;
  if (!status) return false;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      error: status === 413 ? `The body is larger than ${authBodyLimit} bytes.` : "A Content-Length is required here.",
    }),
  );
  // The answer is sent; the rest of the body is read and dropped (never kept), so the client
  // reads the answer instead of a reset, up to DRAIN_BYTES, past which the connection is cut.
  let drained = 0;
  req.on("data", (chunk) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) req.socket.destroy();
  });
  return true;
}

const DRAIN_BYTES = 16 * 1024 * 1024;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function guardedEmit(event, req, res, ...rest) {
  if (event === "request") {
    delete req.headers[VISITOR];
    const visitor = visitorOf(req);
    if (visitor) req.headers[VISITOR] = visitor;
    if (refusedAuthBody(req, res)) return true;
  }
  return emit.call(this, event, req, res, ...rest);
};

module.exports = { visitorOf };
