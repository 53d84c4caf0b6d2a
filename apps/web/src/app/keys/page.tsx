import { ApiKeysDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";
import { ApiKeys } from "./api-keys";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const result = await gqlAsUser(ApiKeysDocument);
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Programs call models with a key: <code>Authorization: Bearer &lt;key&gt;</code>. Give each program its own key
        and only the scopes it needs.
      </p>
      {result.errors ? (
        <LoadError what="API keys" errors={result.errors} />
      ) : (
        <ApiKeys keys={result.data?.apiKeys ?? []} grantable={result.data?.me?.scopes ?? []} />
      )}
    </>
  );
}
