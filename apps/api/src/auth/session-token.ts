import { jwtVerify, SignJWT } from "jose";

const ISSUER = "modelmarket";
const AUDIENCE = "modelmarket-api";

export interface SessionClaims {
  userId: string;
  tenantId: string;
}

/** A signed, expiring session token (HS256 JWT); the portal reuses it as its API credential. */
export function issueSessionToken(claims: SessionClaims, secret: Uint8Array, ttlSeconds: number): Promise<string> {
  return new SignJWT({ tid: claims.tenantId })
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
    return { userId: payload.sub, tenantId: payload.tid };
  } catch {
    return null;
  }
}
