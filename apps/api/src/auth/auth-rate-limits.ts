import { rateLimited } from "@modelmarket/domain";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Env } from "../env";

/**
 * Brute-force protection for the credential endpoints: per client address for every
 * attempt; failures per account *and address* (so one visitor guessing a password locks
 * only itself out of that account, not its owner); and a per-account ceiling across all
 * addresses, ten times higher, so an attacker rotating addresses still stalls.
 */
export class AuthRateLimits {
  private readonly signInPerIp: RateLimiterMemory;
  private readonly failuresPerAccountAndIp: RateLimiterMemory;
  private readonly failuresPerAccount: RateLimiterMemory;
  private readonly signUpPerIp: RateLimiterMemory;
  private readonly invitationsPerTenant: RateLimiterMemory;
  private readonly resetsPerIp: RateLimiterMemory;
  private readonly resetsPerAccount: RateLimiterMemory;

  constructor(env: Env) {
    this.signInPerIp = new RateLimiterMemory({ points: env.SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE, duration: 60 });
    this.failuresPerAccountAndIp = new RateLimiterMemory({
      points: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
      duration: 15 * 60,
    });
    this.failuresPerAccount = new RateLimiterMemory({
      points: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT * 10,
      duration: 15 * 60,
    });
    this.signUpPerIp = new RateLimiterMemory({ points: env.SIGNUP_MAX_PER_IP_PER_HOUR, duration: 3600 });
    this.resetsPerIp = new RateLimiterMemory({ points: env.PASSWORD_RESETS_PER_IP_PER_HOUR, duration: 3600 });
    this.resetsPerAccount = new RateLimiterMemory({ points: 3, duration: 3600 });
    this.invitationsPerTenant = new RateLimiterMemory({
      points: env.INVITATIONS_MAX_PER_TENANT_PER_HOUR,
      duration: 3600,
    });
  }

  /** Invitations send mail: an organisation may not turn the platform into a spam relay. */
  async beforeInvite(tenantId: string): Promise<void> {
    await consume(this.invitationsPerTenant, tenantId, "Too many invitations from this organisation; retry later.");
  }

  async beforeSignIn(ip: string, email: string): Promise<void> {
    await consume(this.signInPerIp, ip);
    for (const [limiter, key] of [
      [this.failuresPerAccountAndIp, `${email}|${ip}`],
      [this.failuresPerAccount, email],
    ] as const) {
      const failures = await limiter.get(key);
      if (failures && failures.remainingPoints <= 0) {
        throw rateLimited(failures.msBeforeNext, "Too many failed sign-in attempts for this account; retry later.");
      }
    }
  }

  /** Counts a failure; true when it is the one that locks the account (for this address or everywhere). */
  async signInFailed(ip: string, email: string): Promise<boolean> {
    const here = await this.failuresPerAccountAndIp.penalty(`${email}|${ip}`, 1);
    const everywhere = await this.failuresPerAccount.penalty(email, 1);
    return (
      here.consumedPoints === this.failuresPerAccountAndIp.points ||
      everywhere.consumedPoints === this.failuresPerAccount.points
    );
  }

  async signInSucceeded(ip: string, email: string): Promise<void> {
    await this.failuresPerAccountAndIp.delete(`${email}|${ip}`);
  }

  /**
   * Password reset requests: per client address (RATE_LIMITED past it), and per account at most
   * 3 mails an hour — past that the request is answered the same but no mail goes out (false),
   * so nobody can flood an address with reset mail, nor learn whether it has an account.
   */
  async beforePasswordReset(ip: string, email: string): Promise<boolean> {
    await consume(this.resetsPerIp, ip, "Too many password reset requests from this address; retry later.");
    try {
      await this.resetsPerAccount.consume(email);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }

  async beforeSignUp(ip: string): Promise<void> {
    await consume(this.signUpPerIp, ip, "Too many sign-ups from this address; retry later.");
  }
}

async function consume(limiter: RateLimiterMemory, key: string, message?: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext, message);
    throw error;
  }
}
