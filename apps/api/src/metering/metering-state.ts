import type { GroupCommit } from "../infra/group-commit";
import type { CallToCharge, ChargeOutcome } from "./charge-calls";
import type { ReservationWaiter } from "./reserve-units";
import { SubscriptionRooms } from "./subscription-room";

/**
 * What this API instance's metering keeps between calls: each subscription's known room, the
 * reservations waiting for the statement in flight on their subscription, and the group
 * commit of charges. One per instance (a service), so two instances in one process (tests)
 * never share a batch.
 */
export class MeteringState {
  readonly rooms = new SubscriptionRooms();
  /** Reservations of one subscription waiting for the statement in flight on it (reserve-units.ts). */
  readonly reservationGroups = new Map<string, ReservationWaiter[]>();
  /** Created on the first charge (charge-calls.ts). */
  chargeCommitter: GroupCommit<CallToCharge, ChargeOutcome> | null = null;
}
