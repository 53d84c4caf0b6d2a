"use client";
import { UnpublishModelDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";

/** Two steps: what happens to subscribers is said before anything is done. */
export function UnpublishButton({ slug, subscribers }: { slug: string; subscribers: number }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const action = useFormAction();
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
      <FormStatus message={action.message} />
      <div style={{ display: "flex", gap: "0.5rem" }}>
        <button
          type="button"
          disabled={action.busy}
          onClick={async () => {
            if (await action.run(UnpublishModelDocument, { model: slug }, { failed: "Unpublishing failed." })) {
              router.refresh();
            }
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
