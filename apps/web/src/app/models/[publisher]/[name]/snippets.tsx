// Copy-paste examples filled with the model's slug, for the task's operation.

const OPERATIONS: Record<string, { query: string; variables: (slug: string) => Record<string, unknown> }> = {
  TEXT_CLASSIFICATION: {
    query: "mutation($m: String!, $t: [String!]!) { classifyText(model: $m, inputs: $t) { label score } }",
    variables: (m) => ({ m, t: ["I love this product"] }),
  },
  TEXT_EMBEDDING: {
    query: "mutation($m: String!, $t: [String!]!) { embedText(model: $m, inputs: $t) { values } }",
    variables: (m) => ({ m, t: ["The cat sat on the mat"] }),
  },
  IMAGE_CLASSIFICATION: {
    query:
      "mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i, topK: 3) { label score top { label score } } }",
    variables: (m) => ({ m, i: [{ base64: "<base64 of a PNG or JPEG>" }] }),
  },
  OBJECT_DETECTION: {
    query:
      "mutation($m: String!, $i: [ImageInput!]!) { detectObjects(model: $m, images: $i) { objects { label score box { x y width height } } } }",
    variables: (m) => ({ m, i: [{ base64: "<base64 of a PNG or JPEG>" }] }),
  },
  RECOMMENDATION: {
    query: "mutation($m: String!, $u: String!) { recommend(model: $m, userId: $u, k: 5) { itemId score } }",
    variables: (m) => ({ m, u: "<a user id the model knows>" }),
  },
};

export function Snippets({ slug, task, apiUrl }: { slug: string; task: string; apiUrl: string }) {
  const op = OPERATIONS[task];
  if (!op) return null;
  const body = JSON.stringify({ query: op.query, variables: op.variables(slug) });
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
  body: JSON.stringify(${JSON.stringify({ query: op.query, variables: op.variables(slug) }, null, 2).replace(/\n/g, "\n  ")}),
});
const { data, errors } = await res.json();`;
  const python = `import os, requests

res = requests.post(
    "${url}",
    headers={"Authorization": f"Bearer {os.environ['MODELMARKET_KEY']}"},
    json=${JSON.stringify({ query: op.query, variables: op.variables(slug) }, null, 4).replace(/\n/g, "\n    ")},
)
print(res.json())`;
  return (
    <div className="stack">
      <p className="muted">
        Create a key on the <a href="/keys">API keys</a> page and export it as <code>MODELMARKET_KEY</code>. Each input
        is one billed unit.
      </p>
      {(
        [
          ["curl", curl],
          ["JavaScript", js],
          ["Python", python],
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
