import crypto from "node:crypto";

const PREFIX = "mmi_";

/** A new invitation token (256 random bits) and the SHA-256 that is all the database keeps. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = `${PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
