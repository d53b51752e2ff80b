// Counters of the WebSocket side, so client tests can assert what the server saw and did.

import { type Product } from '../http/route';

export type WsCloseReason =
  'client' | 'lifetime' | 'pongTimeout' | 'messageRate' | 'drop' | 'shutdown' | 'serverClose' | 'error';

export interface WsStats {
  /** Connections open now. */
  open: Record<Product, number>;
  /** Upgrades accepted since the start. */
  accepted: number;
  /** Upgrades refused, total and by reason: rateLimit (429), fault (503), badRequest (400), notFound (404). */
  refused: number;
  refusedByReason: Record<string, number>;
  /** Frames sent (data, responses, events) per product. */
  messagesSent: Record<Product, number>;
  /** Streams held by all open connections now. */
  subscriptions: number;
  pingsSent: number;
  pongsReceived: number;
  /** Closed connections by reason. */
  closes: Record<string, number>;
  /** How often each fault kind was applied. */
  faults: Record<string, number>;
}

const perProduct = (): Record<Product, number> => ({ spot: 0, futures: 0, options: 0 });

export class WsCounters {
  accepted = 0;
  refusedByReason: Record<string, number> = {};
  messagesSent = perProduct();
  pingsSent = 0;
  pongsReceived = 0;
  closes: Record<string, number> = {};
  faults: Record<string, number> = {};

  refuse(reason: string): void {
    this.refusedByReason[reason] = (this.refusedByReason[reason] ?? 0) + 1;
  }

  close(reason: WsCloseReason): void {
    this.closes[reason] = (this.closes[reason] ?? 0) + 1;
  }

  fault(kind: string): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }

  snapshot(open: Record<Product, number>, subscriptions: number): WsStats {
    const refusedByReason = { ...this.refusedByReason };
    return {
      open,
      accepted: this.accepted,
      refused: Object.values(refusedByReason).reduce((a, b) => a + b, 0),
      refusedByReason,
      messagesSent: { ...this.messagesSent },
      subscriptions,
      pingsSent: this.pingsSent,
      pongsReceived: this.pongsReceived,
      closes: { ...this.closes },
      faults: { ...this.faults },
    };
  }
}

export const emptyOpen = perProduct;
