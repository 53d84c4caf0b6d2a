"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";

const UNPUBLISH = `mutation($m: String!) { unpublishModel(model: $m) { unpublishedAt } }`;

/** Two steps: what happens to subscribers is said before anything is done. */
export function UnpublishButton({ slug, subscribers }: { slug: string; subscribers: number }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!confirming) {
    return (
      <button type="button" className="secondary" onClick={() => setConfirming(true)}>
        Unpublish…
      </button>
    );
  }
  return (
    <div className="card stack" role="alertdialog" aria-label="Confirm unpublishing">
      <p>
        The model leaves the catalog at once and takes no new subscribers. Its {subscribers} current subscriber
        {subscribers === 1 ? "" : "s"} keep calling it until their paid period ends; then their subscriptions end.
      </p>
      {error ? <p className="error-box">{error}</p> : null}
      <div style={{ display: "flex", gap: "0.5rem" }}>
        <button
          type="button"
          onClick={async () => {
            const result = await clientGql(UNPUBLISH, { m: slug });
            if (result.errors) setError(result.errors[0]?.message ?? "Unpublishing failed.");
            else router.refresh();
          }}
        >
          Unpublish
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)}>
          Keep it published
        </button>
      </div>
    </div>
  );
}
