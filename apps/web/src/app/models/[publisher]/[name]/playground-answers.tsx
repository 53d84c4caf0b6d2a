"use client";
// What a playground call answers, one view per kind of answer (labels, similarity, vector, items, boxes).
import { microsMoney } from "@/lib/format";

export type Answer =
  | { kind: "labels"; scores: { label: string; score: number }[] }
  | { kind: "similarity"; cosine: number }
  | { kind: "boxes"; image: string; width: number; height: number; objects: DetectedObject[] }
  /** A user's items, or (`likeItem`) the items most like one item. */
  | { kind: "items"; items: { itemId: string; score: number }[]; likeItem?: string }
  | { kind: "vector"; values: number[] }
  | {
      kind: "text";
      text: string;
      finishReason: string;
      promptTokens: number;
      completionTokens: number;
      /** The call's receipt, when the caller may read it (billing:read). */
      cost?: { amountMicros: number; currency: string } | null;
    };
export interface DetectedObject {
  label: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The answer of one call, as its kind shows it. `onMoreLike`: items get a "More like this"
 * button that asks for the items like that one.
 */
export function AnswerView({ output, onMoreLike }: { output: Answer; onMoreLike?: (itemId: string) => void }) {
  if (output.kind === "labels") {
    return (
      <section aria-label="Scores">
        {output.scores.map((s) => (
          <div key={s.label} className="bar">
            <span>{s.label}</span>
            <span className="bar-track" role="img" aria-label={`${s.label} ${(s.score * 100).toFixed(1)}%`}>
              <span className="bar-fill" style={{ width: `${(s.score * 100).toFixed(1)}%`, display: "block" }} />
            </span>
            <span>{(s.score * 100).toFixed(1)}%</span>
          </div>
        ))}
      </section>
    );
  }
  if (output.kind === "similarity") {
    return (
      <p>
        Cosine similarity: <strong>{output.cosine.toFixed(3)}</strong>{" "}
        <span className="muted">(1 = same meaning, around 0 = unrelated)</span>
      </p>
    );
  }
  if (output.kind === "vector") {
    const norm = Math.sqrt(output.values.reduce((a, v) => a + v * v, 0));
    return (
      <p>
        A vector of <strong>{output.values.length}</strong> dimensions (norm {norm.toFixed(3)}):{" "}
        <code>
          [
          {output.values
            .slice(0, 8)
            .map((v) => v.toFixed(4))
            .join(", ")}
          {output.values.length > 8 ? ", …" : ""}]
        </code>
      </p>
    );
  }
  if (output.kind === "text") {
    return (
      <section aria-label="Generated text" className="stack" style={{ gap: "0.4rem" }}>
        <p style={{ whiteSpace: "pre-wrap" }}>{output.text}</p>
        <p className="muted" role="status">
          {output.finishReason === "cancelled"
            ? "Stopped: billed for the prompt and the tokens generated until then (your Usage page has the figures)."
            : output.finishReason
              ? `${output.promptTokens} prompt + ${output.completionTokens} generated tokens billed${
                  output.cost ? ` (${microsMoney(output.cost.amountMicros, output.cost.currency)})` : ""
                }; ended by ${output.finishReason}.`
              : "Generating…"}
        </p>
      </section>
    );
  }
  if (output.kind === "items") {
    return (
      <section aria-label={output.likeItem ? "Similar items" : "Recommended items"}>
        <p style={{ margin: 0 }}>
          {output.likeItem ? (
            <>
              People who like <strong>{output.likeItem}</strong> also like:
            </>
          ) : (
            "Recommended:"
          )}
        </p>
        {output.items.length ? null : <p className="muted">No item left to show.</p>}
        <ol>
          {output.items.map((i) => (
            <li key={i.itemId}>
              {i.itemId}{" "}
              <span className="muted">
                ({output.likeItem ? "cosine " : ""}
                {i.score.toFixed(3)})
              </span>{" "}
              {onMoreLike ? (
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`More like ${i.itemId}`}
                  onClick={() => onMoreLike(i.itemId)}
                >
                  More like this
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    );
  }
  return (
    <div>
      <p>
        {output.objects.length ? `${output.objects.length} object(s) found.` : "No object found above the threshold."}
      </p>
      <div className="image-stage">
        {/* biome-ignore lint/performance/noImgElement: a local blob URL, nothing for next/image to optimise */}
        <img src={output.image} alt="Your upload with the detected objects outlined" />
        {output.objects.map((o, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: boxes have no identity beyond their order
            key={i}
            className="box"
            style={{
              left: `${(o.box.x / output.width) * 100}%`,
              top: `${(o.box.y / output.height) * 100}%`,
              width: `${(o.box.width / output.width) * 100}%`,
              height: `${(o.box.height / output.height) * 100}%`,
            }}
          >
            <span>
              {o.label} {(o.score * 100).toFixed(0)}%
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
