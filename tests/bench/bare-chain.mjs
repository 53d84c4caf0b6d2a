// The design's floor, for the call-path bench (callpath.mjs): the product's shape with nothing
// in it. A bare HTTP server (the API's place) passes the caller's token ids over Node IPC with
// structured clone (as the tier talks to its workers) to a bare process that runs session.run
// of the same model (the tenant's worker), optionally through a relay process in between (the
// tier's place), and answers the scores. No GraphQL, no key, no tokenising, no metering, no
// scheduling: what processes and hops alone cost at the caller's pace on this machine.
//
//   node bare-chain.mjs front <model.onnx> <relays>   prints nothing; sends its port over IPC
//   node bare-chain.mjs relay <model.onnx> <relays>   (started by the process before it)
//   node bare-chain.mjs worker <model.onnx>
import { spawn } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

const [role, modelPath, relaysArg] = process.argv.slice(2);
const relays = Number(relaysArg ?? 0);
// Every process of the chain exits with the one that started it (a failing bench leaves none).
process.on("disconnect", () => process.exit());

/** The next process of the chain, over IPC; `call` sends one message and resolves its reply. */
function next() {
  const nextRole = relays > 0 ? "relay" : "worker";
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), nextRole, modelPath, String(relays - 1)], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    serialization: "advanced",
  });
  const waiting = new Map();
  let ids = 0;
  const ready = new Promise((resolve) => child.once("message", resolve));
  child.on("message", (reply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  return {
    ready,
    call: (message) =>
      new Promise((resolve) => {
        const id = ++ids;
        waiting.set(id, resolve);
        child.send({ ...message, id });
      }),
  };
}

if (role === "worker") {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  process.on("message", async ({ id, ids }) => {
    const shape = [1, ids.length];
    const out = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), shape),
      attention_mask: new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, () => 1n),
        shape,
      ),
    });
    process.send({ id, scores: out[session.outputNames[0]].data });
  });
  process.send("ready");
} else if (role === "relay") {
  const worker = next();
  await worker.ready;
  process.on("message", async ({ id, ids }) => {
    const reply = await worker.call({ ids });
    process.send({ ...reply, id });
  });
  process.send("ready");
} else {
  const worker = next();
  await worker.ready;
  http
    .createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const { ids } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const { scores } = await worker.call({ ids: Int32Array.from(ids) });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ scores: Array.from(scores) }));
      });
    })
    .listen(0, "127.0.0.1", function () {
      process.send(this.address().port);
    });
}
