// One stream's frame at one tick, encoded once and shared by every subscriber: raw connections
// get the payload, combined ones the {"stream","data"} envelope.

export class Frame {
  private rawBuf: Buffer | undefined;
  private combinedBuf: Buffer | undefined;

  constructor(
    readonly stream: string,
    readonly payload: string,
  ) {}

  get raw(): Buffer {
    return (this.rawBuf ??= Buffer.from(this.payload));
  }

  get combined(): Buffer {
    return (this.combinedBuf ??= Buffer.from(`{"stream":${JSON.stringify(this.stream)},"data":${this.payload}}`));
  }
}

/** The serverShutdown event (spot docs, "Server Shutdown"; combined streams wrap it under the
 * stream name "!serverShutdown"). USD-M and options document none; they get the same. */
export function serverShutdownFrame(t: number): Frame {
  return new Frame('!serverShutdown', `{"e":"serverShutdown","E":${t}}`);
}
