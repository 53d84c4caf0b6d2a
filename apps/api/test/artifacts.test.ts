import crypto from "node:crypto";
import fs from "node:fs";
import { buildOnnxModel, memoryBombModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyClient, signUpTenant, startTestApi, type TestApi, tinyOnnx } from "./harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    ARTIFACT_MAX_BYTES: "65536",
    ASSET_MAX_BYTES: "1024",
    MODEL_VALIDATION_MEMORY_BYTES: String(1.5 * 2 ** 30),
  });
});
afterAll(() => api?.close());

/** A body sent without Content-Length (chunked), so the limit must be enforced while streaming. */
function chunked(bytes: Uint8Array, chunkSize = 8192): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

describe("POST /v1/artifacts", () => {
  it("happy: stores an ONNX model content-addressed and returns its id, hash and signature", async () => {
    const tenant = await signUpTenant(api);
    const bytes = tinyOnnx();
    const { status, body } = await tenant.client.uploadArtifact(bytes, { fileName: "tiny.onnx" });
    expect(status).toBe(201);
    expect(body.id).toMatch(/^art_/);
    expect(body.sha256).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
    expect(body.sizeBytes).toBe(bytes.length);
    expect(body.signature).toMatchObject({
      inputs: [{ name: "x", elemType: "float", shape: ["batch", 4] }],
      outputs: [{ name: "y", elemType: "float", shape: ["batch", 3] }],
    });
    const stored = api.services.artifacts.pathOf(body.sha256 as string);
    expect(fs.readFileSync(stored).equals(Buffer.from(bytes))).toBe(true);
  });

  it("happy: a streamed (chunked) upload works and assets are accepted as any bytes", async () => {
    const tenant = await signUpTenant(api);
    const model = await tenant.client.uploadArtifact(chunked(tinyOnnx(), 100));
    expect(model.status).toBe(201);
    const labels = await tenant.client.uploadArtifact(new TextEncoder().encode('["neg","pos"]'), { kind: "asset" });
    expect(labels.status).toBe(201);
    expect(labels.body.kind).toBe("ASSET");
  });

  it("error: a non-ONNX file is BAD_USER_INPUT and nothing is kept", async () => {
    const tenant = await signUpTenant(api);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(500)]);
    const { status, body } = await tenant.client.uploadArtifact(png);
    expect(status).toBe(400);
    expect(body.error?.code).toBe("BAD_USER_INPUT");
    expect(body.error?.message).toMatch(/not a usable ONNX model/);
    expect(await api.db.prisma.artifact.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
    expect(fs.existsSync(api.services.artifacts.pathOf(crypto.createHash("sha256").update(png).digest("hex")))).toBe(
      false,
    );
  });

  it("error: malformed input — empty body, truncated model, JSON, an unknown kind — is BAD_USER_INPUT", async () => {
    const tenant = await signUpTenant(api);
    const truncated = tinyOnnx().subarray(0, 40);
    for (const bytes of [new Uint8Array(0), truncated, new TextEncoder().encode('{"onnx": true}')]) {
      const { status, body } = await tenant.client.uploadArtifact(bytes);
      expect(status).toBe(400);
      expect(body.error?.code).toBe("BAD_USER_INPUT");
    }
    const res = await fetch(`${api.url}/v1/artifacts?kind=weights`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.token}` },
      body: tinyOnnx(),
    });
    expect(res.status).toBe(400);
  });

  it("error: an oversized upload is PAYLOAD_TOO_LARGE, whether declared or streamed", async () => {
    const tenant = await signUpTenant(api);
    const big = crypto.randomBytes(70_000);
    const declared = await tenant.client.uploadArtifact(big);
    expect(declared.status).toBe(413);
    expect(declared.body.error?.code).toBe("PAYLOAD_TOO_LARGE");
    const streamed = await tenant.client.uploadArtifact(chunked(big));
    expect(streamed.status).toBe(413);
    expect(streamed.body.error?.code).toBe("PAYLOAD_TOO_LARGE");
    const asset = await tenant.client.uploadArtifact(crypto.randomBytes(2000), { kind: "asset" });
    expect(asset.status).toBe(413);
    expect(await api.db.prisma.artifact.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  it("security: a model with external data or a custom operator domain is refused", async () => {
    const tenant = await signUpTenant(api);
    const external = buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1, 2] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1, 2] }],
      initializers: [{ name: "W", dims: [2, 2], externalLocation: "../../etc/passwd" }],
      nodes: [{ opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
    });
    const ext = await tenant.client.uploadArtifact(external);
    expect(ext.status).toBe(400);
    expect(ext.body.error?.message).toMatch(/external data/);
    const custom = buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1, 2] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1, 2] }],
      extraOpsets: [{ domain: "evil.ops", version: 1 }],
      nodes: [{ opType: "Pwn", domain: "evil.ops", inputs: ["x"], outputs: ["y"] }],
    });
    const cus = await tenant.client.uploadArtifact(custom);
    expect(cus.status).toBe(400);
    expect(cus.body.error?.message).toMatch(/evil\.ops/);
  });

  it("security: a memory bomb (a few hundred bytes asking for gigabytes) is refused, the API unharmed", async () => {
    const tenant = await signUpTenant(api);
    const bomb = memoryBombModel(400_000_000);
    expect(bomb.length).toBeLessThan(300);
    const rssBefore = process.memoryUsage().rss;
    const { status, body } = await tenant.client.uploadArtifact(bomb);
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(/cannot be served safely: it needs more than the 1.5 GiB memory cap/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 2 ** 20);
    expect(await api.db.prisma.artifact.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
    expect((await api.client.raw(`{ models { totalCount } }`)).body.errors).toBeUndefined();
  });

  it("happy: an accepted model records its trial run (load time, peak memory, output shapes)", async () => {
    const tenant = await signUpTenant(api);
    const { body } = await tenant.client.uploadArtifact(tinyOnnx());
    expect(body.signature).toMatchObject({
      validation: { outputs: [{ name: "y", type: "float32", dims: [1, 3] }] },
    });
  });

  it("security: a model onnxruntime refuses is explained without the server's paths or process ids", async () => {
    const tenant = await signUpTenant(api, "Paths");
    // Well-formed protobuf, but the node reads an input that nothing defines.
    const broken = buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1] }],
      nodes: [{ opType: "Add", inputs: ["x", "nowhere"], outputs: ["y"] }],
    });
    const res = await tenant.client.uploadArtifact(broken, { fileName: "broken.onnx" });
    expect(res.status).toBe(400);
    const message = JSON.stringify(res.body);
    expect(message).toMatch(/onnxruntime failed/);
    expect(message).not.toContain(api.services.env.dataDir);
    expect(message).not.toMatch(/\/tmp\/|\/staging|pid[\s:=]*\d/);
  });

  it("security: no credentials is 401, a key without models:write is 403", async () => {
    const anonymous = await api.client.uploadArtifact(tinyOnnx());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe("UNAUTHENTICATED");
    const tenant = await signUpTenant(api);
    const { client } = await apiKeyClient(api, tenant, ["inference"]);
    const res = await client.uploadArtifact(tinyOnnx());
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("FORBIDDEN");
    const writer = await apiKeyClient(api, tenant, ["models:write"]);
    expect((await writer.client.uploadArtifact(tinyOnnx())).status).toBe(201);
  });
});
