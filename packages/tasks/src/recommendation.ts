import type { TaskDescriptor } from "./task-descriptor";

export const recommendation: TaskDescriptor = {
  task: "RECOMMENDATION",
  displayName: "Recommendation",
  summary:
    "A user id in, the top-k items for that user out, never an excluded one; or an item id in, the items most like it.",
  operation: "recommend",
  moreOperations: ["similarItems"],
  input: "user",
  answer: "items",
  delivery: "whole",
  meteredBy: "input",
  // The `k` input is shared by the whole call.
  batching: "none",
  playground: "user-items",
  assets: [
    { role: "users", label: "User ids (JSON array, row order)", accept: ".json", required: true },
    { role: "items", label: "Item ids (JSON array, column order)", accept: ".json", required: true },
  ],
  preprocessingExample: "",
  snippet: {
    query:
      "mutation($m: String!, $v: String, $u: String!) { recommend(model: $m, version: $v, userId: $u, k: 5) { itemId score } }",
    variables: { u: "<a user id the model knows>" },
  },
};
