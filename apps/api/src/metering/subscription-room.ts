import { LRUCache } from "lru-cache";

/**
 * What this instance last learned of each subscription's room (the units it can still take
 * this period; null = unlimited: overage and no spend cap), and the units of the calls it is
 * running before charging them.
 *
 * A call may run first and be charged after, in one statement (charge-calls.ts), only while
 * the room is known to fit it together with everything else in flight; otherwise it reserves
 * its units before it runs. A wrong guess (another instance used the room, the cap was
 * lowered) costs only the model run, never money: the charge re-checks everything under the
 * row lock and refuses, and the call then goes the reserve-first way, which refuses it with
 * the usual error. Keyed by subscription id: ids are unique across databases.
 */
export class SubscriptionRooms {
  private readonly rooms = new LRUCache<string, { room: number | null; inFlight: number }>({ max: 100_000 });

  /** Records the room a reservation or charge left (0 after a refusal). */
  note(subscriptionId: string, room: number | null): void {
    const known = this.rooms.get(subscriptionId);
    if (known) known.room = room;
    else this.rooms.set(subscriptionId, { room, inFlight: 0 });
  }

  /** Takes `units` of the known room for a call that runs before it is charged; false when they may not fit. */
  take(subscriptionId: string, units: number): boolean {
    const known = this.rooms.get(subscriptionId);
    if (!known) return false;
    if (known.room !== null && known.room - known.inFlight < units) return false;
    known.inFlight += units;
    return true;
  }

  /** Gives back what take() took, once the call is charged or has failed. */
  give(subscriptionId: string, units: number): void {
    const known = this.rooms.get(subscriptionId);
    if (known) known.inFlight = Math.max(0, known.inFlight - units);
  }
}
