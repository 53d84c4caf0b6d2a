"use client";
// Copy-paste examples filled with the model's slug, for the task's operation, pinned to a version.
import { TASK_DESCRIPTORS } from "@modelmarket/tasks";
import { useState } from "react";

/** Copy-paste calls pinned to a version of the caller's choice (or following the latest). */
export function Snippets({
  slug,
  operation,
  versions,
  apiUrl,
}: {
  slug: string;
  operation: string;
  /** Callable versions, newest first (the first is the latest). */
  versions: string[];
  apiUrl: string;
}) {
  const [version, setVersion] = useState<string | null>(versions[0] ?? null);
  // The task's own example call (packages/tasks), found by the operation `tasks { operation }` names.
  const task = TASK_DESCRIPTORS.find((t) => t.operation === operation);
  const op = task?.snippet;
  if (!op) return null;
  const request = { query: op.query, variables: { m: slug, v: version, ...op.variables } };
  const body = JSON.stringify(request);
  const url = `${apiUrl}/graphql`;
  const curl = `curl -s ${url} \\
  -H "Authorization: Bearer $MODELMARKET_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${body.replace(/'/g, "'\\''")}'`;
  const js = `const res = await fetch("${url}", {
  method: "POST",
  headers: {
    Authorization: \`Bearer \${process.env.MODELMARKET_KEY}\`,
    "Content-Type": "application/json",
  },
  body: JSON.stringify(${JSON.stringify(request, null, 2).replace(/\n/g, "\n  ")}),
});
const { data, errors } = await res.json();`;
  const python = `import os, requests

res = requests.post(
    "${url}",
    headers={"Authorization": f"Bearer {os.environ['MODELMARKET_KEY']}"},
    json=${JSON.stringify(request, null, 4).replace(/\n/g, "\n    ")},
)
print(res.json())`;
  // Generative models also answer the OpenAI protocol (docs/openai.md): the client developers have.
  const openAi =
    task?.input === "prompt"
      ? `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${apiUrl}/v1", apiKey: process.env.MODELMARKET_KEY });
const stream = await client.chat.completions.create({
  model: "${slug}",
  messages: [{ role: "user", content: "Hello" }],
  max_tokens: 64,
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`
      : null;
  return (
    <div className="stack">
      <p className="muted">
        Create a key on the <a href="/keys">API keys</a> page and export it as <code>MODELMARKET_KEY</code>.{" "}
        {task?.meteredBy === "token"
          ? "Each token, of the prompt and of the answer, is one billed unit."
          : "Each input is one billed unit."}
      </p>
      {versions.length ? (
        <label>
          Version in the examples
          <select value={version ?? ""} onChange={(e) => setVersion(e.target.value || null)}>
            <option value="">none: follow the latest</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {(
        [
          ["curl", curl],
          ["JavaScript", js],
          ["Python", python],
          ...(openAi ? [["OpenAI client (streaming)", openAi] as const] : []),
        ] as const
      ).map(([label, code]) => (
        <section key={label} aria-label={`${label} example`}>
          <h3 style={{ margin: "0.5rem 0" }}>{label}</h3>
          <pre>
            <code>{code}</code>
          </pre>
        </section>
      ))}
    </div>
  );
}
