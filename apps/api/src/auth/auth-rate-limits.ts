import { rateLimited } from "@modelmarket/domain";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Env } from "../env";

/**
 * Brute-force protection for the credential endpoints: per client address for every
 * attempt, per account for failures (so an attacker rotating addresses still stalls).
 */
export class AuthRateLimits {
  private readonly signInPerIp: RateLimiterMemory;
  private readonly failuresPerAccount: RateLimiterMemory;
  private readonly signUpPerIp: RateLimiterMemory;

  constructor(env: Env) {
    this.signInPerIp = new RateLimiterMemory({ points: env.SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE, duration: 60 });
    this.failuresPerAccount = new RateLimiterMemory({ points: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT, duration: 15 * 60 });
    this.signUpPerIp = new RateLimiterMemory({ points: env.SIGNUP_MAX_PER_IP_PER_HOUR, duration: 3600 });
  }

  async beforeSignIn(ip: string, email: string): Promise<void> {
    await consume(this.signInPerIp, ip);
    const failures = await this.failuresPerAccount.get(email);
    if (failures && failures.remainingPoints <= 0) {
      throw rateLimited(failures.msBeforeNext, "Too many failed sign-in attempts for this account; retry later.");
    }
  }

  async signInFailed(email: string): Promise<void> {
    await this.failuresPerAccount.penalty(email, 1);
  }

  async signInSucceeded(email: string): Promise<void> {
    await this.failuresPerAccount.delete(email);
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
