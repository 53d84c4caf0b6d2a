// The tier's generate extension end to end: HTTP → the tenant's worker process → the decode
// loop on a real ONNX export (the tiny Optimum-named GPT-2), streamed back as server-sent events.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const SECRET = crypto.randomBytes(32).toString("hex");
const TENANT_A = "tnt_01gggggggggggggggggggggggg";
const TENANT_B = "tnt_01hhhhhhhhhhhhhhhhhhhhhhhh";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-generate-"));
const GPT = storeModel(
  dataDir,
  fs.readFileSync(path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2/model.onnx")),
);
let tier: RunningInference;

const encode = (text: string) => [...text].map((c) => c.charCodeAt(0) - 32);
const headers = (tenant: string, extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  authorization: `Bearer ${SECRET}`,
  "x-tenant-id": tenant,
  ...extra,
});

async function generate(tenant: string, body: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(`${tier.url}/v2/models/${GPT}/generate`, {
    method: "POST",
    headers: headers(tenant, extra),
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The stream's events, read until `stopAfter` tokens (then the stream is closed) or the end. */
async function stream(tenant: string, body: unknown, stopAfter = Number.POSITIVE_INFINITY) {
  const controller = new AbortController();
  const res = await fetch(`${tier.url}/v2/models/${GPT}/generate_stream`, {
    method: "POST",
    headers: headers(tenant),
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const events: Record<string, any>[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        events.push(JSON.parse(buffered.slice(0, end).replace(/^data: /, "")));
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
      }
      if (events.filter((e) => "token_id" in e).length >= stopAfter) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  }
  return events;
}

async function metrics(): Promise<string> {
  return (await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })).text();
}

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET);
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("generate extension", () => {
  it("happy: generate and generate_stream give the same greedy tokens, then the usage", async () => {
    const body = { input_ids: encode("Once upon a time"), parameters: { max_tokens: 20 } };
    const whole = await generate(TENANT_A, body);
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ finish_reason: "length", prompt_tokens: 16, completion_tokens: 20 });
    expect(whole.body.token_ids).toHaveLength(20);
    const events = await stream(TENANT_A, body);
    expect(events.filter((e) => "token_id" in e).map((e) => e.token_id)).toEqual(whole.body.token_ids);
    expect(events.at(-1)).toEqual({ finish_reason: "length", prompt_tokens: 16, completion_tokens: 20 });
  });

  it("happy: a tenant's worker process runs below the tier's priority (INFERENCE_WORKER_NICE, 5 by default): its model never takes the CPU that serves everyone", async () => {
    expect((await generate(TENANT_A, { input_ids: encode("Hi"), parameters: { max_tokens: 2 } })).status).toBe(200);
    const pid = tier.workers.get(TENANT_A)?.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(os.getPriority(pid) - os.getPriority()).toBe(5);
  });

  it("happy: a stop token ends the generation (finish 'stop'), without emitting it", async () => {
    const free = await generate(TENANT_A, { input_ids: encode("Hi"), parameters: { max_tokens: 10 } });
    const third = free.body.token_ids[2] as number;
    const stopped = await generate(TENANT_A, {
      input_ids: encode("Hi"),
      parameters: { max_tokens: 10, stop_token_ids: [third] },
    });
    expect(stopped.body.finish_reason).toBe("stop");
    expect(stopped.body.token_ids).toEqual(free.body.token_ids.slice(0, 2));
  });

  it("happy: eight concurrent generations of one tenant are each exactly what they are alone", async () => {
    const prompts = ["a", "bb", "ccc", "The cat", "Zebra!", "Once", "1234567", "?"].map(encode);
    const alone: number[][] = [];
    for (const p of prompts)
      alone.push((await generate(TENANT_B, { input_ids: p, parameters: { max_tokens: 15 } })).body.token_ids);
    const together = await Promise.all(
      prompts.map((p) => generate(TENANT_B, { input_ids: p, parameters: { max_tokens: 15 } })),
    );
    expect(together.map((r) => r.body.token_ids)).toEqual(alone);
  });

  it("error: closing the stream stops the generation at its next step; the tokens produced are counted", async () => {
    const before = await metrics();
    const cancelledBefore = Number(
      new RegExp(`inference_generations_total\\{tenant="${TENANT_A}",reason="cancelled"\\} (\\d+)`).exec(before)?.[1] ??
        0,
    );
    const events = await stream(TENANT_A, { input_ids: encode("Go on"), parameters: { max_tokens: 200 } }, 3);
    const produced = events.filter((e) => "token_id" in e).length;
    expect(produced).toBeGreaterThanOrEqual(3);
    expect(produced).toBeLessThan(200);
    // The worker's loop ends with reason "cancelled" (polled: a state, not a time).
    let after = "";
    for (let i = 0; i < 500; i++) {
      after = await metrics();
      const n = Number(
        new RegExp(`inference_generations_total\\{tenant="${TENANT_A}",reason="cancelled"\\} (\\d+)`).exec(
          after,
        )?.[1] ?? 0,
      );
      if (n > cancelledBefore) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(after).toMatch(
      new RegExp(`inference_generations_total\\{tenant="${TENANT_A}",reason="cancelled"\\} ${cancelledBefore + 1}`),
    );
    expect(tier.workers.get(TENANT_A)?.depth).toBe(0);
  });

  it("error: a generation past its deadline ends with finish 'timeout' and what it produced", async () => {
    const { body } = await generate(
      TENANT_A,
      { input_ids: encode("Slow"), parameters: { max_tokens: 230 } },
      { "x-deadline-ms": "1" },
    );
    expect(body.finish_reason).toBe("timeout");
    expect(body.completion_tokens).toBeLessThan(230);
    expect(body.token_ids).toHaveLength(body.completion_tokens);
  });

  it("error: a malformed request is BAD_USER_INPUT naming the field; a caller without the secret is refused", async () => {
    const bad = await generate(TENANT_A, { input_ids: [], parameters: { temperature: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("BAD_USER_INPUT");
    expect(bad.body.error).toMatch(/input_ids/);
    const res = await fetch(`${tier.url}/v2/models/${GPT}/generate`, {
      method: "POST",
      headers: { ...headers(TENANT_A), authorization: "Bearer wrong" },
      body: JSON.stringify({ input_ids: [1] }),
    });
    expect(res.status).toBe(401);
  });
});
