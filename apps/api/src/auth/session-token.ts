import { jwtVerify, SignJWT } from "jose";

const ISSUER = "modelmarket";
const AUDIENCE = "modelmarket-api";

export interface SessionClaims {
  userId: string;
  tenantId: string;
  /** When it was issued (ms since the epoch). */
  issuedAt?: number;
}

/** A signed, expiring session token (HS256 JWT); the portal reuses it as its API credential. */
export function issueSessionToken(claims: SessionClaims, secret: Uint8Array, ttlSeconds: number): Promise<string> {
  // iatMs: the issue time to the millisecond (iat has whole seconds), so that a password reset
  // ends the sessions issued before it and not the one signed in right after it.
  return new SignJWT({ tid: claims.tenantId, iatMs: Date.now() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(secret);
}

/** Returns the claims of a valid token, or null for a forged, expired or malformed one. */
export async function verifySessionToken(token: string, secret: Uint8Array): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] });
    if (typeof payload.sub !== "string" || typeof payload.tid !== "string") return null;
    const issuedAt = typeof payload.iatMs === "number" ? payload.iatMs : (payload.iat ?? 0) * 1000;
    return { userId: payload.sub, tenantId: payload.tid, issuedAt };
  } catch {
    return null;
  }
}
