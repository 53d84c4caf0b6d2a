import crypto from "node:crypto";
import { badInput, newId } from "@modelmarket/domain";
import type { AppServices } from "../../services";

const RESET_TTL_MS = 60 * 60 * 1000;

/** A reset token (256 random bits) and the SHA-256 that is all the database keeps. */
export function hashResetToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/**
 * Sends a password reset link to an account's address. The answer is the same whether the
 * address has an account or not (no enumeration), and takes about the same time. The link
 * works once, for an hour; only its hash is stored. Limited per client address and per account
 * (AuthRateLimits). Without SMTP_URL no mail can go out: outside production the link is written
 * to the API's log for the operator (a laptop's `npm start`), in production it is not sent.
 */
export async function requestPasswordReset(
  services: AppServices,
  cmd: { email: string; clientIp: string },
): Promise<boolean> {
  const email = cmd.email.trim().toLowerCase();
  // An address is at most 254 characters (RFC 5321); a longer one is a mistake, said so.
  if (email.length > 254) throw badInput("`email` is longer than 254 characters.", "email");
  const send = await services.authRateLimits.beforePasswordReset(cmd.clientIp, email);
  const user = await services.db.user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (!user || !send) return true;
  const token = `mmr_${crypto.randomBytes(32).toString("base64url")}`;
  await services.db.passwordReset.create({
    data: {
      id: newId("passwordReset"),
      userId: user.id,
      tokenHash: hashResetToken(token),
      expiresAt: new Date(Date.now() + RESET_TTL_MS),
    },
  });
  const link = `${services.env.PORTAL_URL}/reset-password/${token}`;
  const mail = {
    to: user.email,
    subject: "Reset your Modelmarket password",
    text:
      `Someone (hopefully you) asked to reset the password of ${user.email} on Modelmarket.\n\n` +
      `Choose a new password here, within an hour: ${link}\n\n` +
      "If it was not you, ignore this mail: your password stays as it is.",
  };
  if (services.mailer) await services.mailer.send(mail);
  else if (services.env.NODE_ENV !== "production") {
    services.logger.info({ to: user.email, link }, "password reset link (no SMTP_URL: not mailed)");
  }
  return true;
}
