import type { PrismaClient } from "@modelmarket/db";
import { isScope, type MemberRole, ROLE_SCOPES, type Scope, scopesOfRole, unauthenticated } from "@modelmarket/domain";
import { LRUCache } from "lru-cache";
import type { CacheBus } from "../infra/cache-bus";
import { hashApiKeySecret, looksLikeApiKey } from "./api-key-secret";
import type { LastUsedTracker } from "./last-used-tracker";
import type { Principal } from "./principal";
import { verifySessionToken } from "./session-token";

interface CachedKey {
  apiKeyId: string;
  tenantId: string;
  userId: string | null;
  role: MemberRole | null;
  scopes: ReadonlySet<Scope>;
}

/**
 * Turns a bearer token into a Principal. API keys are looked up by SHA-256 and cached
 * briefly; revoking a key publishes an invalidation on the cache bus, so this instance refuses
 * it on the very next request and every other instance as soon as the message arrives
 * (within API_KEY_CACHE_TTL_MS at worst, while Redis is unreachable). A key works only while
 * its creator is a member of its organisation, with its scopes capped by the creator's current
 * role; member changes invalidate the creator's keys the same way.
 */
export class Authenticator {
  private readonly keys: LRUCache<string, CachedKey> | null;

  constructor(
    private readonly db: PrismaClient,
    private readonly sessionSecret: Uint8Array,
    private readonly lastUsed: LastUsedTracker,
    cacheTtlMs: number,
    bus: CacheBus,
  ) {
    this.keys = cacheTtlMs > 0 ? new LRUCache({ max: 50_000, ttl: cacheTtlMs }) : null;
    bus.on((message) => {
      if (message.kind === "api-key") this.keys?.delete(message.secretHash);
      else if (message.kind === "all") this.keys?.clear();
    });
  }

  /** null when no credentials were sent; throws UNAUTHENTICATED for bad ones. */
  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) throw unauthenticated("Malformed Authorization header: expected `Bearer <token>`.");
    const token = match[1];
    return looksLikeApiKey(token) ? this.byApiKey(token) : this.bySession(token);
  }

  private async byApiKey(secret: string): Promise<Principal> {
    const hash = hashApiKeySecret(secret);
    let key = this.keys?.get(hash);
    if (!key) {
      const row = await this.db.apiKey.findUnique({
        where: { secretHash: hash },
        include: { createdBy: { select: { memberships: { select: { tenantId: true, role: true } } } } },
      });
      if (!row || row.revokedAt) throw unauthenticated("Invalid or revoked API key.");
      const role = row.createdBy?.memberships.find((m) => m.tenantId === row.tenantId)?.role ?? null;
      // A creator who left the organisation takes their keys' power along (removal also
      // revokes them, unless an owner reassigned them first).
      if (row.createdBy && !role) throw unauthenticated("Invalid or revoked API key.");
      const allowed = role ? ROLE_SCOPES[role] : null;
      key = {
        apiKeyId: row.id,
        tenantId: row.tenantId,
        userId: row.createdByUserId,
        role,
        scopes: new Set(row.scopes.filter(isScope).filter((s) => !allowed || allowed.includes(s))),
      };
      this.keys?.set(hash, key);
    }
    this.lastUsed.touch(key.apiKeyId);
    return { kind: "apiKey", ...key };
  }

  private async bySession(token: string): Promise<Principal> {
    const claims = await verifySessionToken(token, this.sessionSecret);
    if (!claims) throw unauthenticated("Invalid or expired session token; sign in again.");
    // Read on every request (no cache): a member removed or demoted loses the old role's
    // power on their very next request, on every instance.
    const membership = await this.db.membership.findUnique({
      where: { tenantId_userId: { tenantId: claims.tenantId, userId: claims.userId } },
      select: { role: true, user: { select: { sessionsValidFrom: true } } },
    });
    if (!membership) throw unauthenticated("Invalid or expired session token; sign in again.");
    // A password reset ends every session issued before it.
    const validFrom = membership.user.sessionsValidFrom?.getTime();
    if (validFrom && (claims.issuedAt ?? 0) < validFrom) {
      throw unauthenticated("This session ended when the account's password was reset; sign in again.");
    }
    return {
      kind: "user",
      userId: claims.userId,
      tenantId: claims.tenantId,
      role: membership.role,
      scopes: scopesOfRole(membership.role),
    };
  }
}
