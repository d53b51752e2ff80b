/**
 * The per-symbol psych computable: three exchange-time windows (spot tickers, futures tickers,
 * closed 1-minute candles) fed one record at a time, and `assess()`, which reads them as of the
 * newest exchange time seen. No I/O and no clock: time comes only from the records' eventTimes.
 */
import type {
  FuturesTicker,
  PsychComponents,
  PsychState,
  PsychStateName,
  PsychStatus,
  PsychTransition,
  SpotKline,
  SpotTicker,
} from '@marketpipe/contracts';
import {
  fundingComponent,
  fundingPer8h,
  neutralFundingPer8h,
  liquidityComponent,
  momentumComponent,
  priceComponent,
  PSYCH_SCALES,
  volatilityComponent,
  volumeComponent,
  type PsychScales,
} from './components';
import { logReturn, realizedVolPerMinute, rsiWilder, spreadBps } from './indicators';
import {
  availableWeight,
  classifyState,
  fearGreedIndex,
  psychScore,
  PSYCH_STATES,
  PSYCH_WEIGHTS,
  stateIndex,
  transitionOf,
  type PsychMemory,
  type PsychWeights,
} from './state';
import { SeriesWindow } from './window';

export interface PsychParams {
  /** Short window: spot and futures ticker samples, volume/funding/spread changes, short vol. */
  windowMs: number;
  /** 1-minute candle history: long-vol baseline and RSI-14. */
  longWindowMs: number;
  /** Ticker bucket: the newest sample per bucket of exchange time is kept. */
  sampleMs: number;
  /** How far past a band edge the score must go to leave the current state. */
  hysteresis: number;
  /** Below this confidence a record is WARMING_UP. */
  minConfidence: number;
  weights: PsychWeights;
  scales: PsychScales;
}

export const DEFAULT_PSYCH_PARAMS: PsychParams = {
  windowMs: 900_000,
  longWindowMs: 3_600_000,
  sampleMs: 5_000,
  hysteresis: 0.02,
  minConfidence: 0.3,
  weights: PSYCH_WEIGHTS,
  scales: PSYCH_SCALES,
};

const MINUTE = 60_000;
const ONE_MINUTE_INTERVAL = '1m';
/** A price point older than this (before the time it stands for) is no price for that time. */
export const PRICE_STALE_MS = 120_000;
/** Candles whose newest close is older than this (before the newest input) are not used. */
export const CANDLE_STALE_MS = 300_000;
/** Returns needed for a realized vol: short window, long window. */
export const MIN_SHORT_VOL_RETURNS = 5;
export const MIN_LONG_VOL_RETURNS = 10;
export const RSI_PERIOD = 14;
/** Funding change needs samples at least this far apart. */
export const MIN_FUNDING_SPAN_MS = 60_000;
/** Volume change needs the window's tickers to span at least this share of it. */
export const MIN_VOLUME_SPAN_SHARE = 1 / 3;

/** Columns of the spot window (time = eventTime). */
export const SPOT_PRICE = 0;
export const SPOT_QUOTE_VOLUME = 1;
/** Bid-ask spread in bps; missing without a two-sided book. */
export const SPOT_SPREAD = 2;
/**
 * Column of the futures window (time = eventTime): the funding rate as its 8-hour equivalent
 * (fundingPer8h), missing for delivery contracts. For an 8-hourly perpetual that is the rate as
 * sent, as checkpoint layout 1 held it, so checkpoints written before intervals were read restore.
 */
export const FUTURES_FUNDING = 0;
/** Columns of the candle window (time = openTime, so a re-sent candle is a no-op). */
export const CANDLE_CLOSE_TIME = 0;
export const CANDLE_CLOSE = 1;

export interface PsychAssessment {
  /** Newest exchange time among the inputs: the time the assessment stands for. */
  eventTime: number;
  /**
   * eventTime of the least recent live input used (the newest spot ticker; the newest funding rate
   * when funding counts), or null when none was: how fresh the assessment really is, since
   * `eventTime` moves on with any one input while another has stopped.
   */
  oldestInputTime: number | null;
  status: PsychStatus;
  state: PsychStateName | null;
  score: number | null;
  fearGreedIndex: number | null;
  components: PsychComponents;
  transition: PsychTransition | null;
  confidence: number;
  samples: number;
}

// Scratch buffers for the candle closes of one assessment (single-threaded, never re-entered).
let scratchTimes = new Float64Array(256);
let scratchCloses = new Float64Array(256);

/** Floats before the windows in the checkpoint layout: three parameters, newest time, memory (3). */
const HEADER_FLOATS = 7;

export class PsychComputable {
  /** Spot tickers: price, 24h quote volume, spread. */
  readonly spot: SeriesWindow;
  /** Futures tickers: funding rate. */
  readonly futures: SeriesWindow;
  /** Closed 1m candles: close time, close. */
  readonly candles: SeriesWindow;
  private newestTime = -Infinity;
  private memory: PsychMemory | undefined;
  /** The newest futures ticker's neutral funding per 8 h; not checkpointed (each ticker carries it). */
  private fundingNeutral: number;

  constructor(readonly params: PsychParams = DEFAULT_PSYCH_PARAMS) {
    this.spot = new SeriesWindow(params.windowMs, params.sampleMs, 3);
    this.futures = new SeriesWindow(params.windowMs, params.sampleMs, 1);
    // One candle per minute bucket, keyed by openTime; the extra minute keeps the candle that
    // closes as the long window begins.
    this.candles = new SeriesWindow(params.longWindowMs + MINUTE, MINUTE, 2);
    this.fundingNeutral = params.scales.fundingNeutral;
  }

  /** Newest exchange time of any accepted input (−Infinity before the first). */
  get eventTime(): number {
    return this.newestTime;
  }

  /** The last READY record's state, score and time (hysteresis and transitions start from it). */
  get previous(): PsychMemory | undefined {
    return this.memory;
  }

  /** Feeds one spot ticker; returns whether the windows changed (false for duplicates, stale or priceless records). */
  addSpot(r: SpotTicker): boolean {
    if (!(r.lastPrice > 0) || !Number.isFinite(r.lastPrice)) return false;
    const changed = this.spot.insert(r.eventTime, r.lastPrice, r.quoteVolume, spreadBps(r.bidPrice, r.askPrice));
    if (changed && r.eventTime > this.newestTime) this.newestTime = r.eventTime;
    return changed;
  }

  /** Feeds one futures ticker (the funding rate per 8 h and its neutral; null for delivery contracts). */
  addFutures(r: FuturesTicker): boolean {
    const rate = r.fundingRate === null ? null : fundingPer8h(r.fundingRate, r.fundingIntervalHours);
    if (rate !== null)
      this.fundingNeutral = neutralFundingPer8h(r.interestRate, r.fundingIntervalHours, this.params.scales);
    const changed = this.futures.insert(r.eventTime, rate);
    if (changed && r.eventTime > this.newestTime) this.newestTime = r.eventTime;
    return changed;
  }

  /** Feeds one closed candle; other intervals than 1m are ignored. */
  addKline(r: SpotKline): boolean {
    if (r.interval !== ONE_MINUTE_INTERVAL || !(r.close > 0) || !Number.isFinite(r.close)) return false;
    if (!(r.closeTime >= r.openTime)) return false;
    const changed = this.candles.insert(r.openTime, r.closeTime, r.close);
    if (changed && r.closeTime > this.newestTime) this.newestTime = r.closeTime;
    return changed;
  }

  /** Whether there is spot data to assess (the symbol universe is the spot symbols). */
  hasSpot(): boolean {
    return this.spot.size > 0;
  }

  /**
   * Reads the windows as of the newest input. Does not change the computable: after the record is
   * published, `commit` it so the next assessment's hysteresis and transition start from it.
   */
  assess(): PsychAssessment {
    const p = this.params;
    const T = this.newestTime;
    const W = p.windowMs;
    const spot = this.spot;

    // ---- spot window [T − W, T] ----
    const s0 = spot.firstAtOrAfter(T - W);
    const sN = spot.size;
    const sLast = sN - 1;
    const spotFresh = sN > s0 && spot.time(sLast) >= T - PRICE_STALE_MS;

    // ---- price ----
    let price: number | null = null;
    const pNow = this.priceAt(T, T - PRICE_STALE_MS);
    const p1 = this.priceAt(T - MINUTE, T - MINUTE - PRICE_STALE_MS);
    const p5 = this.priceAt(T - 5 * MINUTE, T - 5 * MINUTE - PRICE_STALE_MS);
    if (pNow !== null && p1 !== null && p5 !== null) {
      price = priceComponent(logReturn(p1, pNow), logReturn(p5, pNow), p.scales);
    }

    // ---- volume (oldest against newest ticker of the window) ----
    let volume: number | null = null;
    if (spotFresh) {
      const span = spot.time(sLast) - spot.time(s0);
      if (span >= W * MIN_VOLUME_SPAN_SHARE) {
        volume = volumeComponent(
          spot.value(SPOT_QUOTE_VOLUME, s0),
          spot.value(SPOT_QUOTE_VOLUME, sLast),
          spot.value(SPOT_PRICE, s0),
          spot.value(SPOT_PRICE, sLast),
          span,
          W,
          p.scales,
        );
      }
    }

    // ---- liquidity (spread now against the window's mean) and the window's minute fill ----
    let liquidity: number | null = null;
    const slots = Math.ceil(W / MINUTE);
    let filledMinutes = 0;
    let lastSlot = -1;
    let spreadMean = 0;
    let spreads = 0;
    for (let i = s0; i < sN; i++) {
      const slot = Math.min(slots - 1, Math.floor((T - spot.time(i)) / MINUTE));
      if (slot !== lastSlot) {
        filledMinutes++;
        lastSlot = slot;
      }
      const spread = spot.value(SPOT_SPREAD, i);
      if (spread === spread) {
        spreads++;
        spreadMean += (spread - spreadMean) / spreads;
      }
    }
    const spreadNow = spotFresh ? spot.valueOrNull(SPOT_SPREAD, sLast) : null;
    if (spreadNow !== null && spreads > 0) liquidity = liquidityComponent(spreadNow, spreadMean, p.scales);
    const tickerFill = Math.min(filledMinutes, slots) / slots;

    // ---- funding (futures window [T − W, T]) ----
    let funding: number | null = null;
    const fut = this.futures;
    const f0 = fut.firstAtOrAfter(T - W);
    const fN = fut.size;
    let ref = -1;
    let now = -1;
    for (let i = f0; i < fN; i++) {
      if (fut.valueOrNull(FUTURES_FUNDING, i) === null) continue;
      if (ref < 0) ref = i;
      now = i;
    }
    if (now >= 0) {
      const hasChange = fut.time(now) - fut.time(ref) >= MIN_FUNDING_SPAN_MS;
      funding = fundingComponent(
        fut.value(FUTURES_FUNDING, now),
        hasChange ? fut.value(FUTURES_FUNDING, ref) : null,
        this.fundingNeutral,
        p.scales,
      );
    }

    // ---- candles: volatility and momentum ----
    let volatility: number | null = null;
    let momentum: number | null = null;
    const candles = this.candles;
    const c0 = candles.firstAtOrAfter(T - p.longWindowMs);
    const cN = candles.size;
    const n = cN - c0;
    if (n > 0 && candles.value(CANDLE_CLOSE_TIME, cN - 1) >= T - CANDLE_STALE_MS) {
      if (scratchTimes.length < n) {
        scratchTimes = new Float64Array(n * 2);
        scratchCloses = new Float64Array(n * 2);
      }
      for (let i = 0; i < n; i++) {
        scratchTimes[i] = candles.time(c0 + i);
        scratchCloses[i] = candles.value(CANDLE_CLOSE, c0 + i);
      }
      const shortFrom = Math.max(0, candles.firstAtOrAfter(T - W) - c0);
      const volShort = realizedVolPerMinute(scratchTimes, scratchCloses, shortFrom, n, MIN_SHORT_VOL_RETURNS);
      const volLong = realizedVolPerMinute(scratchTimes, scratchCloses, 0, n, MIN_LONG_VOL_RETURNS);
      if (volShort !== null && volLong !== null) volatility = volatilityComponent(volShort, volLong, p.scales);
      const rsi = rsiWilder(scratchCloses, RSI_PERIOD, 0, n);
      if (rsi !== null) momentum = momentumComponent(rsi);
    }
    const candleFill = Math.min(1, n / Math.ceil(p.longWindowMs / MINUTE));

    const components: PsychComponents = { price, volume, funding, volatility, liquidity, momentum };
    let oldestInputTime: number | null = sN > s0 ? spot.time(sLast) : null;
    if (funding !== null && (oldestInputTime === null || fut.time(now) < oldestInputTime))
      oldestInputTime = fut.time(now);
    const confidence = clamp01(((tickerFill + candleFill) / 2) * availableWeight(components, p.weights));
    const samples = sN - s0 + (fN - f0) + n;
    const score = psychScore(components, p.weights);

    if (price === null || score === null || confidence < p.minConfidence) {
      return {
        eventTime: T,
        oldestInputTime,
        status: 'WARMING_UP',
        state: null,
        score: null,
        fearGreedIndex: null,
        components,
        transition: null,
        confidence,
        samples,
      };
    }
    const previous = this.memory;
    const state = classifyState(score, previous?.state, p.hysteresis);
    return {
      eventTime: T,
      oldestInputTime,
      status: 'READY',
      state,
      score,
      fearGreedIndex: fearGreedIndex(score),
      components,
      transition: previous === undefined ? null : transitionOf(previous, state, score, T),
      confidence,
      samples,
    };
  }

  /** Remembers a published READY assessment: the reference for the next state and transition. */
  commit(a: Pick<PsychAssessment, 'status' | 'state' | 'score' | 'eventTime'>): void {
    if (a.status === 'READY' && a.state !== null && a.score !== null) {
      this.memory = { state: a.state, score: a.score, eventTime: a.eventTime };
    }
  }

  /**
   * The whole state as floats (checkpoint layout 1): the window parameters it was built with, the
   * newest input time, the hysteresis memory, then the three windows.
   */
  toFloats(): Float64Array {
    const p = this.params;
    const m = this.memory;
    const out = new Float64Array(
      HEADER_FLOATS + this.spot.serializedLength + this.futures.serializedLength + this.candles.serializedLength,
    );
    out.set([
      p.windowMs,
      p.sampleMs,
      p.longWindowMs,
      this.newestTime,
      m === undefined ? -1 : stateIndex(m.state),
      m?.score ?? NaN,
      m?.eventTime ?? NaN,
    ]);
    let at = this.spot.writeTo(out, HEADER_FLOATS);
    at = this.futures.writeTo(out, at);
    this.candles.writeTo(out, at);
    return out;
  }

  /**
   * Restores what `toFloats` wrote. Refused (false, nothing changed) when the windows were built
   * with other parameters — their buckets and horizons would not mean the same — or the data is
   * malformed; the caller then rebuilds from the inputs alone.
   */
  restoreFloats(data: Float64Array): boolean {
    const p = this.params;
    if (data.length < HEADER_FLOATS || data[0] !== p.windowMs || data[1] !== p.sampleMs || data[2] !== p.longWindowMs)
      return false;
    // Read into scratch windows first, so a malformed checkpoint leaves this state untouched.
    const scratch = [
      new SeriesWindow(p.windowMs, p.sampleMs, 3),
      new SeriesWindow(p.windowMs, p.sampleMs, 1),
      new SeriesWindow(p.longWindowMs + MINUTE, MINUTE, 2),
    ];
    let at = HEADER_FLOATS;
    for (const w of scratch) if (at >= 0) at = w.readFrom(data, at);
    if (at !== data.length) return false;
    at = HEADER_FLOATS;
    for (const w of [this.spot, this.futures, this.candles]) at = w.readFrom(data, at);
    const index = data[4] as number;
    const state = PSYCH_STATES[index];
    this.memory =
      index >= 0 && state !== undefined ? { state, score: data[5] as number, eventTime: data[6] as number } : undefined;
    this.newestTime = data[3] as number;
    return true;
  }

  /**
   * The price at `time`: the newest spot ticker or candle close at or before it, if that point is
   * no older than `minTime`. Candles carry the history when tickers are sparse (a compacted ticker
   * topic after a restart), tickers the seconds since the last close.
   */
  private priceAt(time: number, minTime: number): number | null {
    let bestTime = -Infinity;
    let best: number | null = null;
    const i = this.spot.lastAtOrBefore(time);
    if (i >= 0) {
      bestTime = this.spot.time(i);
      best = this.spot.value(SPOT_PRICE, i);
    }
    // Candles are keyed by openTime; step back past any whose close is still after `time`.
    const candles = this.candles;
    let j = candles.lastAtOrBefore(time);
    while (j >= 0 && candles.value(CANDLE_CLOSE_TIME, j) > time) j--;
    if (j >= 0 && candles.value(CANDLE_CLOSE_TIME, j) > bestTime) {
      bestTime = candles.value(CANDLE_CLOSE_TIME, j);
      best = candles.value(CANDLE_CLOSE, j);
    }
    return bestTime >= minTime ? best : null;
  }
}

function clamp01(x: number): number {
  if (!(x === x)) return 0;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export const PSYCH_SOURCE = 'psych';

/** The analytics.psych record of one assessment, in the contract's field order. */
export function psychRecord(symbol: string, a: PsychAssessment, emitTime: number, windowMs: number): PsychState {
  return {
    symbol,
    eventTime: a.eventTime,
    emitTime,
    source: PSYCH_SOURCE,
    status: a.status,
    state: a.state,
    score: a.score,
    fearGreedIndex: a.fearGreedIndex,
    components: a.components,
    transition: a.transition,
    confidence: a.confidence,
    samples: a.samples,
    windowMs,
    oldestInputTime: a.oldestInputTime,
  };
}
