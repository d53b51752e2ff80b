// One valid record per topic, built from the recorded BTCUSDT spot ticker and ETH option mark in
// ../shared/fixtures/binance; used by the contract, serde and bus tests.
import type {
  FuturesTicker,
  GlobalMetrics,
  OptionContract,
  OptionsChain,
  PsychState,
  QuantumScore,
  SpotKline,
  SpotTicker,
  SronaReport,
  StateCheckpoint,
  DataGap,
  TopicName,
  TopicValues,
  UnifiedMarket,
} from '../src';

const T = 1634944401452;

/**
 * A sample re-stamped at exchange time `t`: its eventTime and, for a derived record, its
 * oldestInputTime, so the record is as fresh as its new time says.
 */
export function stamped<T extends { eventTime: number }>(record: T, t: number): T {
  return 'oldestInputTime' in record ? { ...record, eventTime: t, oldestInputTime: t } : { ...record, eventTime: t };
}

export function spotTicker(symbol = 'BTCUSDT'): SpotTicker {
  return {
    symbol,
    eventTime: T,
    captureTime: T + 35,
    source: 'binance.spot.rest',
    lastPrice: 60755.18,
    openPrice: 62636.13,
    highPrice: 63732.39,
    lowPrice: 60000,
    priceChange: -1880.95,
    priceChangePercent: -3.003,
    weightedAvgPrice: 61979.85540978,
    volume: 53076.8465,
    quoteVolume: 3289695271.677177,
    bidPrice: 60755.18,
    bidQty: 0.34024,
    askPrice: 60755.19,
    askQty: 0.64537,
    openTime: T - 86_400_000,
    tradeCount: 1811267,
    closeTime: T,
  };
}

export function spotKline(symbol = 'BTCUSDT'): SpotKline {
  return {
    symbol,
    eventTime: T + 59_999,
    captureTime: T + 60_020,
    source: 'binance.spot.rest',
    interval: '1m',
    openTime: T,
    closeTime: T + 59_999,
    open: 60755.18,
    high: 60790,
    low: 60701.5,
    close: 60740.01,
    volume: 12.5,
    quoteVolume: 759_250.1,
    tradeCount: 901,
    takerBuyBaseVolume: 6.1,
    takerBuyQuoteVolume: 370_514.2,
  };
}

export function futuresTicker(symbol = 'BTCUSDT'): FuturesTicker {
  return {
    symbol,
    eventTime: T,
    captureTime: T + 40,
    source: 'binance.futures.rest',
    contractType: 'PERPETUAL',
    lastPrice: 60790.1,
    priceChangePercent: -2.9,
    highPrice: 63800,
    lowPrice: 59990.5,
    volume: 250_000.5,
    quoteVolume: 15_400_000_000,
    markPrice: 60788.2,
    indexPrice: 60760.3,
    fundingRate: 0.0001,
    nextFundingTime: T + 3_600_000,
    openInterest: 80_000.2,
    openInterestValue: 80_000.2 * 60788.2,
    openInterestTime: T - 5_000,
    basis: 60788.2 - 60760.3,
    basisRate: (60788.2 - 60760.3) / 60760.3,
    deliveryTime: null,
    timeToExpiryMs: null,
    fundingIntervalHours: 8,
    interestRate: 0.0001,
  };
}

export function optionContract(): OptionContract {
  return {
    symbol: 'ETH-231229-800-C',
    side: 'CALL',
    strike: 800,
    expiryTime: 1703836800000,
    unit: 1,
    bidPrice: null,
    askPrice: 1800.5,
    bidQty: null,
    askQty: null,
    markPrice: 1789.2,
    lastPrice: null,
    volume: 0,
    openInterest: 12.3,
    openInterestUsd: 12.3 * 2589.2,
    markIV: 0.708575,
    bidIV: null,
    askIV: null,
    delta: -0.91110168,
    gamma: 0.0001436,
    theta: -1.0575559,
    vega: 2.00337645,
  };
}

export function optionsChain(underlying = 'ETHUSDT'): OptionsChain {
  return {
    underlying,
    eventTime: T,
    captureTime: T + 80,
    source: 'binance.options.rest',
    indexPrice: 2589.2,
    contracts: [optionContract(), { ...optionContract(), symbol: 'ETH-231229-800-P', side: 'PUT', delta: -0.02 }],
    summary: {
      contractCount: 2,
      expiryCount: 1,
      nearestExpiryTime: 1703836800000,
      atmStrike: 800,
      atmIV: 0.708575,
      callOpenInterest: 12.3,
      putOpenInterest: 12.3,
      callVolume: 0,
      putVolume: 0,
      putCallOpenInterestRatio: 1,
      putCallVolumeRatio: null,
    },
  };
}

export function quantumScore(symbol = 'BTCUSDT'): QuantumScore {
  return {
    symbol,
    eventTime: T,
    emitTime: T + 3,
    source: 'quantum',
    hash: 6861,
    factors: [0.40033204124501537, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.4046197168111812],
    coreScore: 0.453288185688808,
    ensembleScore: 0.453288185688808,
    weights: { core: 1, ai: 0, vigo: 0 },
    aiScore: 0,
    vigoScore: 0,
    lambda: Math.log(7919),
    universalFrequency: 7919,
    cols: 8,
  };
}

export function psychState(symbol = 'BTCUSDT'): PsychState {
  return {
    symbol,
    eventTime: T,
    emitTime: T + 4,
    source: 'psych',
    status: 'READY',
    state: 'PESIMISMO',
    score: 0.38,
    fearGreedIndex: 38,
    components: { price: -0.4, volume: 0.1, funding: 0.05, volatility: -0.3, liquidity: 0, momentum: null },
    transition: {
      kind: 'MODERADA',
      direction: 'NEGATIVA',
      previousState: 'NEUTRAL',
      deltaScore: -0.03,
      velocity: 0.03,
    },
    confidence: 0.9,
    samples: 300,
    windowMs: 300_000,
    oldestInputTime: T,
  };
}

export function sronaReport(underlying = 'ETHUSDT'): SronaReport {
  return {
    underlying,
    eventTime: T,
    emitTime: T + 9,
    source: 'srona',
    spotPrice: 2589.2,
    chain: {
      atmIV: 0.71,
      realizedVol: 0.55,
      realizedVolWindowDays: 30,
      ivRvSpread: 0.16,
      putCallOpenInterestRatio: 1,
      putCallVolumeRatio: null,
      historySamples: 43_200,
    },
    candidatesEvaluated: 2,
    opportunities: [
      {
        symbol: 'ETH-231229-3000-C',
        side: 'CALL',
        strike: 3000,
        expiryTime: 1703836800000,
        daysToExpiry: 20,
        moneyness: 3000 / 2589.2,
        bidPrice: 21.5,
        markPrice: 22.1,
        markIV: 0.71,
        delta: 0.12,
        gamma: 0.0004,
        theta: -1.2,
        vega: 1.5,
        openInterest: 300,
        volume: 40,
        metrics: {
          volatilityMispricing: 0.7,
          volumeAnomaly: 0.4,
          openInterestImbalance: 0.5,
          deltaFlowDivergence: 0.3,
          gammaExposure: 0.8,
          thetaDecay: 0.6,
          vegaRiskReward: 0.5,
          marketSentiment: 0.5,
        },
        score: 0.61,
        confidence: 0.8,
        frequency: { breachFrequency: 0.08, samples: 400, horizonDays: 20, extrapolated: false },
        edge: {
          blackScholesEdge: 4.2,
          empiricalEdge: 3.1,
          blackScholesProbOtm: 0.9,
          empiricalProbOtm: 0.92,
          expectedProfit: 3.1,
          stressLoss3Sigma: -850,
        },
        rank: 1,
      },
    ],
    oldestInputTime: T,
    surface: {
      indexPrice: 2590.1,
      valuationTime: T,
      rate: 0,
      atm30dIV: 0.7,
      smiles: [
        {
          expiryTime: 1703836800000,
          years: 20 / 365,
          forward: 2590.1,
          atmIV: 0.69,
          call25IV: 0.72,
          put25IV: 0.74,
          riskReversal25: -0.02,
          butterfly25: 0.04,
          points: [
            {
              symbol: 'ETH-231229-3000-C',
              strike: 3000,
              side: 'CALL',
              logMoneyness: Math.log(3000 / 2590.1),
              iv: 0.709,
              bidIV: 0.7,
              askIV: null,
              binanceMarkIV: 0.71,
              callDelta: 0.12,
              delta: 0.12,
              gamma: 0.0004,
              theta: -1.2,
              vega: 1.5,
              rho: 0.16,
            },
          ],
        },
      ],
      termStructure: [
        { expiryTime: 1703836800000, years: 20 / 365, atmIV: 0.69, totalVariance: (0.69 * 0.69 * 20) / 365 },
      ],
    },
  };
}

export function unifiedMarket(symbol = 'ETHUSDT'): UnifiedMarket {
  const chain = optionsChain(symbol);
  return {
    symbol,
    eventTime: T,
    emitTime: T + 120,
    source: 'consolidator',
    schemaVersion: 1,
    processingTimeMs: 1.25,
    spot: spotTicker(symbol),
    futures: futuresTicker(symbol),
    options: {
      underlying: chain.underlying,
      eventTime: chain.eventTime,
      captureTime: chain.captureTime,
      indexPrice: chain.indexPrice,
      summary: chain.summary,
      nearMoney: chain.contracts,
    },
    quantum: quantumScore(symbol),
    psych: psychState(symbol),
    srona: sronaReport(symbol),
    freshness: [
      { source: 'SPOT', present: true, ageMs: 120, stale: false },
      { source: 'FUTURES', present: true, ageMs: 120, stale: false },
      { source: 'OPTIONS', present: true, ageMs: 120, stale: false },
      { source: 'QUANTUM', present: true, ageMs: 117, stale: false },
      { source: 'PSYCH', present: true, ageMs: 116, stale: false },
      { source: 'SRONA', present: false, ageMs: null, stale: true },
    ],
    sourcesPresent: ['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH'],
    confidence: 5 / 6,
    gaps: [
      {
        gapId: 'capture-spot:stream:1717000000000',
        product: 'SPOT',
        cause: 'STREAM_LOST',
        start: T - 40_000,
        end: T - 2_000,
      },
    ],
  };
}

export function globalMetrics(): GlobalMetrics {
  return {
    instanceId: 'consolidator-0',
    eventTime: T,
    emitTime: T + 100,
    source: 'consolidator',
    partitions: [0, 1, 2],
    symbolCount: 6,
    quoteVolumeSum: 9.1e9,
    priceChangePercentSum: -12.4,
    spotCount: 6,
    quantumScoreSum: 2.9,
    quantumCount: 6,
    psychStateCounts: { euforia: 0, optimismo: 1, neutral: 2, pesimismo: 3, panico: 0 },
    averageQuoteVolume: 9.1e9 / 6,
    averagePriceChangePercent: -12.4 / 6,
    averageQuantumScore: 2.9 / 6,
    regime: 'RISK_OFF',
  };
}

export function dataGap(): DataGap {
  return {
    gapId: 'capture-spot:stream:1717000000000',
    product: 'SPOT',
    topics: ['market.spot.ticker', 'market.spot.kline'],
    symbols: ['BTCUSDT', 'ETHUSDT'],
    start: T - 40_000,
    end: T - 2_000,
    cause: 'STREAM_LOST',
    detail: 'stale',
    repaired: true,
    eventTime: T - 2_000,
    emitTime: T - 1_900,
    source: 'capture-spot',
  };
}

export function stateCheckpoint(key = 'BTCUSDT'): StateCheckpoint {
  return {
    stage: 'psych',
    key,
    position: 1_717_000_000_000,
    savedAt: 1_717_000_000_250,
    format: 1,
    body: Buffer.from([1, 2, 3, 4]),
  };
}

/** A valid sample of every topic's value. */
export const SAMPLES: { [T in TopicName]: () => TopicValues[T] } = {
  'market.spot.ticker': () => spotTicker(),
  'market.spot.kline': () => spotKline(),
  'market.spot.kline.long': () => ({ ...spotKline(), interval: '1h' }),
  'market.futures.ticker': () => futuresTicker(),
  'market.options.chain': () => optionsChain(),
  'analytics.quantum': () => quantumScore(),
  'analytics.psych': () => psychState(),
  'analytics.srona': () => sronaReport(),
  'unified-market': () => unifiedMarket(),
  'unified-market.global': () => globalMetrics(),
  'state.psych': () => stateCheckpoint(),
  'market.gaps': () => dataGap(),
};
