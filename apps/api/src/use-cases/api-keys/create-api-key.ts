import { ALL_SCOPES, badInput, DEFAULT_KEY_SCOPES, forbidden, isScope, newId, type Scope } from "@modelmarket/domain";
import { generateApiKeySecret } from "../../auth/api-key-secret";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { KEY_INCLUDE, keyView } from "./support/key-view";

const MAX_ACTIVE_KEYS_PER_TENANT = 100;

/** Creates a key; its secret is returned here once and only its SHA-256 is kept. */
export async function createApiKey(
  services: AppServices,
  caller: Principal | null,
  input: { name: string; scopes?: string[] | null },
) {
  const principal = requirePrincipal(caller);
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) throw badInput("Key name must be 1 to 80 characters.", "name");
  const scopes = normaliseScopes(input.scopes);
  // A key can hand out only what its creator holds (no privilege escalation by key).
  const missing = scopes.filter((s) => !principal.scopes.has(s));
  if (missing.length) throw forbidden(`Cannot grant scopes this credential lacks: ${missing.join(", ")}.`);

  const active = await services.db.apiKey.count({ where: { tenantId: principal.tenantId, revokedAt: null } });
  if (active >= MAX_ACTIVE_KEYS_PER_TENANT) {
    throw badInput(`A tenant may hold at most ${MAX_ACTIVE_KEYS_PER_TENANT} active keys; revoke some first.`);
  }
  const { secret, prefix, hash } = generateApiKeySecret("live");
  const apiKey = await services.db.$transaction(async (tx) => {
    const key = await tx.apiKey.create({
      data: {
        id: newId("apiKey"),
        tenantId: principal.tenantId,
        createdByUserId: principal.userId,
        name,
        prefix,
        secretHash: hash,
        scopes,
      },
      include: KEY_INCLUDE,
    });
    await audit(tx, principal, "api_key.created", { type: "api_key", id: key.id }, { name, scopes });
    return key;
  });
  return { apiKey: keyView(services, apiKey), secret };
}

function normaliseScopes(requested: string[] | null | undefined): Scope[] {
  if (requested == null) return [...DEFAULT_KEY_SCOPES];
  if (requested.length === 0) throw badInput("A key needs at least one scope.", "scopes");
  const unknown = requested.filter((s) => !isScope(s));
  if (unknown.length) {
    throw badInput(`Unknown scopes: ${unknown.join(", ")}. Known scopes: ${ALL_SCOPES.join(", ")}.`, "scopes");
  }
  return [...new Set(requested as Scope[])];
}
