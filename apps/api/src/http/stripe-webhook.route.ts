import type { Request, Response } from "express";
import type { AppServices } from "../services";
import { applyStripeEvent } from "../use-cases/billing/stripe/apply-stripe-event";

/**
 * POST /webhooks/stripe: verifies the signature over the raw body with the endpoint secret
 * (a bad or missing signature is 400 and changes nothing), then applies the event once.
 */
export function stripeWebhookRoute(services: AppServices) {
  return async (req: Request, res: Response) => {
    const stripe = services.stripe;
    const secret = services.env.STRIPE_WEBHOOK_SECRET;
    if (!stripe || !secret) {
      res.status(404).json({ error: { code: "NOT_FOUND", message: "Stripe is not configured." } });
      return;
    }
    let event: ReturnType<typeof stripe.webhooks.constructEvent>;
    try {
      const signature = req.headers["stripe-signature"];
      if (typeof signature !== "string" || !Buffer.isBuffer(req.body)) throw new Error("no signature");
      event = stripe.webhooks.constructEvent(req.body, signature, secret);
    } catch {
      res.status(400).json({ error: { code: "BAD_USER_INPUT", message: "Invalid Stripe signature." } });
      return;
    }
    try {
      const outcome = await applyStripeEvent(services, event);
      res.json({ received: true, outcome });
    } catch (error) {
      // 500 makes Stripe retry later; the event id was not stored (the transaction rolled back).
      services.logger.error({ err: error, stripeEvent: event.id }, "applying a Stripe event failed");
      res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Retry later." } });
    }
  };
}
