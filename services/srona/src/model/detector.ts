/**
 * NakedOptionsDetector: one SronaReport for one underlying from its latest chain, spot ticker and
 * candle history, evaluated at `now`. Pure apart from the caches it is handed (chain aggregates and
 * move distributions, both derived from the inputs only).
 *
 * Per tick and underlying it precomputes the realized vol, the 24h trend, the freshness and the
 * sentiment ratio once; per contract it runs the filter, then (for candidates) the model greeks, the
 * eight metrics, the score and the confidence, and only for contracts that can still qualify the
 * two edge models. Nothing is allocated per contract except the records that enter the top N.
 */
import type {
  OptionsChain,
  SpotTicker,
  SronaOpportunity,
  SronaReport,
  VolSurfaceSnapshot,
} from '@marketpipe/contracts';
import { DAYS_PER_YEAR } from '@marketpipe/quant';
import { atmImpliedVol, type ChainStats } from './chain';
import { confidence, freshnessFactor, historyFactor, liquidityFactor } from './confidence';
import { newEdge, newPricingInputs, shortOptionEdge, type ShortOption } from './edge';
import { filterCandidate, relativeSpread } from './filters';
import type { MoveDistributionCache } from './frequency';
import { modelGreeks, newModelGreeks } from './greeks';
import type { CandleHistory } from './history';
import {
  clamp01,
  deltaFlowDivergence,
  gammaExposure,
  marketSentiment,
  METRIC_WEIGHTS,
  openInterestImbalance,
  thetaDecay,
  vegaRiskReward,
  volatilityMispricing,
  volumeAnomaly,
} from './metrics';
import { DAY_MS, type SronaParams } from './params';
import { dayReturnFromHistory, realizedVolatility } from './volatility';

export const SRONA_SOURCE = 'srona';

const YEAR_MS = DAYS_PER_YEAR * DAY_MS;
const SQRT_DAYS_PER_YEAR = Math.sqrt(DAYS_PER_YEAR);

export interface UnderlyingInputs {
  underlying: string;
  chain: OptionsChain;
  /** chainStats(chain) */
  stats: ChainStats;
  spot: SpotTicker | undefined;
  history: CandleHistory;
  moves: MoveDistributionCache;
  /** chainSurface(chain, p.riskFreeRate), carried as it is; absent or null: the report has none. */
  surface?: VolSurfaceSnapshot | null;
}

/** Counts a caller may keep across calls (metrics); the detector only adds to them. */
export interface DetectorCounters {
  /** Contracts that passed the filters. */
  candidates: number;
  /** Candidates dropped because a computed number was not finite. */
  nonFinite: number;
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function rankKey(o: SronaOpportunity): number {
  return o.score * o.confidence;
}

/** Ranking order: score x confidence, then expected profit, then symbol (deterministic). */
function outranks(a: SronaOpportunity, b: SronaOpportunity): boolean {
  const ka = rankKey(a);
  const kb = rankKey(b);
  if (ka !== kb) return ka > kb;
  if (a.edge.expectedProfit !== b.edge.expectedProfit) return a.edge.expectedProfit > b.edge.expectedProfit;
  return a.symbol < b.symbol;
}

/** Inserts `o` into `top` (kept sorted, best first, at most `limit` long). */
function insertRanked(top: SronaOpportunity[], o: SronaOpportunity, limit: number): void {
  let i = top.length;
  while (i > 0 && outranks(o, top[i - 1] as SronaOpportunity)) i--;
  if (i >= limit) return;
  top.splice(i, 0, o);
  if (top.length > limit) top.length = limit;
}

/** The reference price of the underlying: the spot ticker's last price, else the chain's index price. */
export function referencePrice(chain: OptionsChain, spot: SpotTicker | undefined): number | null {
  if (spot !== undefined && spot.lastPrice > 0 && Number.isFinite(spot.lastPrice)) return spot.lastPrice;
  if (chain.indexPrice > 0 && Number.isFinite(chain.indexPrice)) return chain.indexPrice;
  return null;
}

export function evaluateUnderlying(
  inputs: UnderlyingInputs,
  p: SronaParams,
  now: number,
  counters?: DetectorCounters,
): SronaReport {
  const { chain, stats, spot: ticker, history, moves } = inputs;
  const spot = referencePrice(chain, ticker);
  const rv = realizedVolatility(history, p.rvWindowMs);
  const rvVol = rv.vol;
  const atm = spot === null ? chain.summary.atmIV : atmImpliedVol(chain, spot, now, p.minDaysToExpiry);
  const atmIV = finiteOrNull(atm);

  let eventTime = chain.eventTime;
  if (ticker !== undefined && ticker.eventTime > eventTime) eventTime = ticker.eventTime;
  // eventTime moves on with the chain while a stopped spot feed's price grows old: the report is
  // only as fresh as the older of the two.
  const oldestInputTime =
    ticker !== undefined && ticker.eventTime < chain.eventTime ? ticker.eventTime : chain.eventTime;
  if (Number.isSafeInteger(history.newestEventTime) && history.newestEventTime > eventTime)
    eventTime = history.newestEventTime;

  const top: SronaOpportunity[] = [];
  let candidates = 0;
  let nonFinite = 0;

  if (spot !== null) {
    // ---- per tick and underlying
    const rate = p.riskFreeRate;
    const dailyVol = rvVol === null ? 0 : rvVol / SQRT_DAYS_PER_YEAR;
    const dayReturn =
      ticker !== undefined && ticker.openPrice > 0 && ticker.lastPrice > 0
        ? Math.log(ticker.lastPrice / ticker.openPrice)
        : dayReturnFromHistory(history);
    const trend = dailyVol > 0 ? Math.tanh(dayReturn / dailyVol) : Math.sign(dayReturn);
    const sentimentRatio = stats.putCallVolumeRatio ?? stats.putCallOpenInterestRatio ?? 1;
    let freshness = freshnessFactor(now - chain.eventTime, p.staleMs);
    if (ticker !== undefined) freshness = Math.min(freshness, freshnessFactor(now - ticker.eventTime, p.staleMs));
    freshness = Math.min(freshness, freshnessFactor(now - history.newestEventTime, history.intervalMs + p.staleMs));
    const span = history.spanCandles();
    const greeks = newModelGreeks();
    const pricing = newPricingInputs();
    const edge = newEdge();
    const short: ShortOption = { side: 'CALL', spot, strike: 0, years: 0, unit: 1, bid: 0, markIV: 0 };
    const w = METRIC_WEIGHTS;

    // ---- per contract
    for (const c of chain.contracts) {
      if (filterCandidate(c, spot, now, p) !== undefined) continue;
      candidates++;
      if (rvVol === null) continue;
      const es = stats.byExpiry.get(c.expiryTime);
      if (es === undefined) continue;
      const call = c.side === 'CALL';
      const unit = c.unit;
      const bid = c.bidPrice as number;
      const bidPerUnit = bid / unit;
      const markPerUnit = c.markPrice / unit;
      const years = (c.expiryTime - now) / YEAR_MS;
      const days = (c.expiryTime - now) / DAY_MS;
      modelGreeks(call, spot, c.strike, years, c.markIV, rate, greeks);

      const mVol = volatilityMispricing(c.markIV, rvVol);
      const mVolume = volumeAnomaly(c.volume, es.meanVolume);
      const mOi = call
        ? openInterestImbalance(es.callOpenInterest, es.putOpenInterest)
        : openInterestImbalance(es.putOpenInterest, es.callOpenInterest);
      const mFlow = deltaFlowDivergence(c.side, es.flowBias, trend);
      const mGamma = gammaExposure(greeks.gamma, spot, dailyVol);
      const mTheta = thetaDecay(greeks.theta, markPerUnit);
      const mVega = vegaRiskReward(bidPerUnit, greeks.vega);
      const mSentiment = marketSentiment(c.side, sentimentRatio);
      const score = clamp01(
        w.volatilityMispricing * mVol +
          w.volumeAnomaly * mVolume +
          w.openInterestImbalance * mOi +
          w.deltaFlowDivergence * mFlow +
          w.gammaExposure * mGamma +
          w.thetaDecay * mTheta +
          w.vegaRiskReward * mVega +
          w.marketSentiment * mSentiment,
      );
      if (score < p.minScore) continue;

      const dist = moves.get(history, (days * DAY_MS) / history.intervalMs);
      if (dist.size === 0) continue;
      const conf = confidence(
        historyFactor(rv.returns, rv.expectedReturns, span, dist.horizonCandles, p.frequencyMinSpans),
        liquidityFactor(relativeSpread(bid, c.askPrice), p.maxRelativeSpread),
        freshness,
      );
      if (conf < p.minConfidence) continue;
      const key = score * conf;
      if (top.length >= p.topN && (p.topN <= 0 || key < rankKey(top[top.length - 1] as SronaOpportunity))) continue;

      // ---- edge under both models
      short.side = c.side;
      short.spot = spot;
      short.strike = c.strike;
      short.years = years;
      short.unit = unit;
      short.bid = bid;
      short.markIV = c.markIV;
      const e = shortOptionEdge(short, rvVol, rate, dist, pricing, edge);
      if (!(e.blackScholesEdge > 0 && e.empiricalEdge > 0)) continue;
      const breachFrequency = dist.breachFrequency(c.side, spot, c.strike, bidPerUnit);
      const moneyness = c.strike / spot;
      if (
        !Number.isFinite(e.blackScholesEdge) ||
        !Number.isFinite(e.empiricalEdge) ||
        !Number.isFinite(e.blackScholesProbOtm) ||
        !Number.isFinite(e.empiricalProbOtm) ||
        !Number.isFinite(e.stressLoss3Sigma) ||
        !Number.isFinite(breachFrequency) ||
        !Number.isFinite(moneyness) ||
        !Number.isFinite(days)
      ) {
        nonFinite++;
        continue;
      }
      insertRanked(
        top,
        {
          symbol: c.symbol,
          side: c.side,
          strike: c.strike,
          expiryTime: c.expiryTime,
          daysToExpiry: days,
          moneyness,
          bidPrice: bid,
          markPrice: c.markPrice,
          markIV: c.markIV,
          delta: c.delta,
          gamma: c.gamma,
          theta: c.theta,
          vega: c.vega,
          openInterest: c.openInterest as number,
          volume: c.volume,
          metrics: {
            volatilityMispricing: mVol,
            volumeAnomaly: mVolume,
            openInterestImbalance: mOi,
            deltaFlowDivergence: mFlow,
            gammaExposure: mGamma,
            thetaDecay: mTheta,
            vegaRiskReward: mVega,
            marketSentiment: mSentiment,
          },
          score,
          confidence: conf,
          frequency: { breachFrequency, samples: dist.returns, horizonDays: days, extrapolated: dist.extrapolated },
          edge: {
            blackScholesEdge: e.blackScholesEdge,
            empiricalEdge: e.empiricalEdge,
            blackScholesProbOtm: e.blackScholesProbOtm,
            empiricalProbOtm: e.empiricalProbOtm,
            expectedProfit: e.expectedProfit,
            stressLoss3Sigma: e.stressLoss3Sigma,
          },
          rank: 0,
        },
        p.topN,
      );
    }
  }
  for (let i = 0; i < top.length; i++) (top[i] as SronaOpportunity).rank = i + 1;
  if (counters !== undefined) {
    counters.candidates += candidates;
    counters.nonFinite += nonFinite;
  }

  const realizedVol = finiteOrNull(rvVol);
  return {
    underlying: inputs.underlying,
    eventTime,
    emitTime: now,
    source: SRONA_SOURCE,
    spotPrice: spot,
    chain: {
      atmIV,
      realizedVol,
      realizedVolWindowDays: rv.windowDays,
      ivRvSpread: atmIV !== null && realizedVol !== null ? finiteOrNull(atmIV - realizedVol) : null,
      putCallOpenInterestRatio: stats.putCallOpenInterestRatio,
      putCallVolumeRatio: stats.putCallVolumeRatio,
      historySamples: history.length,
    },
    candidatesEvaluated: candidates,
    opportunities: top,
    oldestInputTime,
    surface: inputs.surface ?? null,
  };
}
