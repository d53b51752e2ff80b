import type { GlobalMetrics, MarketRegime, PsychStateCounts } from '@marketpipe/contracts';
import { CONSOLIDATOR_SOURCE } from './unified';
import type { SymbolState } from './state';

function emptyCounts(): PsychStateCounts {
  return { euforia: 0, optimismo: 0, neutral: 0, pesimismo: 0, panico: 0 };
}

/**
 * Market regime from the psych states and price changes of the covered symbols: risk-on when
 * optimistic states outnumber pessimistic ones and prices rise on average, risk-off for the
 * mirror image, neutral otherwise, unknown without data.
 */
export function regimeOf(counts: PsychStateCounts, averagePriceChangePercent: number | null): MarketRegime {
  const bull = counts.euforia + counts.optimismo;
  const bear = counts.pesimismo + counts.panico;
  const total = bull + bear + counts.neutral;
  if (total === 0 && averagePriceChangePercent === null) return 'UNKNOWN';
  const drift = averagePriceChangePercent ?? 0;
  if (bull > bear && drift >= 0) return 'RISK_ON';
  if (bear > bull && drift <= 0) return 'RISK_OFF';
  if (total === 0) return drift > 0.5 ? 'RISK_ON' : drift < -0.5 ? 'RISK_OFF' : 'NEUTRAL';
  return 'NEUTRAL';
}

/**
 * This instance's partial aggregate over the symbols it holds. Sums and counts travel with the
 * averages so a reader can merge the partials of all instances exactly (mergeGlobal).
 */
export function partialAggregate(
  states: Iterable<SymbolState>,
  instanceId: string,
  partitions: readonly number[],
  emitTime: number,
): GlobalMetrics {
  let symbolCount = 0;
  let spotCount = 0;
  let quoteVolumeSum = 0;
  let priceChangePercentSum = 0;
  let quantumCount = 0;
  let quantumScoreSum = 0;
  let eventTime = 0;
  const counts = emptyCounts();
  for (const s of states) {
    symbolCount++;
    if (s.spot !== null) {
      spotCount++;
      quoteVolumeSum += s.spot.record.quoteVolume;
      priceChangePercentSum += s.spot.record.priceChangePercent;
      if (s.spot.eventTime > eventTime) eventTime = s.spot.eventTime;
    }
    if (s.quantum !== null) {
      quantumCount++;
      quantumScoreSum += s.quantum.record.ensembleScore;
    }
    const state = s.psych?.record.state ?? null;
    if (state === 'EUFORIA') counts.euforia++;
    else if (state === 'OPTIMISMO') counts.optimismo++;
    else if (state === 'NEUTRAL') counts.neutral++;
    else if (state === 'PESIMISMO') counts.pesimismo++;
    else if (state === 'PANICO') counts.panico++;
  }
  return finish({
    instanceId,
    eventTime,
    emitTime,
    source: CONSOLIDATOR_SOURCE,
    partitions: [...partitions].sort((a, b) => a - b),
    symbolCount,
    quoteVolumeSum,
    priceChangePercentSum,
    spotCount,
    quantumScoreSum,
    quantumCount,
    psychStateCounts: counts,
  });
}

type Sums = Omit<GlobalMetrics, 'averageQuoteVolume' | 'averagePriceChangePercent' | 'averageQuantumScore' | 'regime'>;

function finish(s: Sums): GlobalMetrics {
  const averagePriceChangePercent = s.spotCount > 0 ? s.priceChangePercentSum / s.spotCount : null;
  return {
    ...s,
    averageQuoteVolume: s.spotCount > 0 ? s.quoteVolumeSum / s.spotCount : null,
    averagePriceChangePercent,
    averageQuantumScore: s.quantumCount > 0 ? s.quantumScoreSum / s.quantumCount : null,
    regime: regimeOf(s.psychStateCounts, averagePriceChangePercent),
  };
}

/**
 * Merges the partial aggregates of several instances (each covering its own partitions) into the
 * market-wide metrics, equal to what one instance holding every partition would compute.
 */
export function mergeGlobal(partials: readonly GlobalMetrics[], instanceId = 'merged'): GlobalMetrics {
  const counts = emptyCounts();
  const sums: Sums = {
    instanceId,
    eventTime: 0,
    emitTime: 0,
    source: CONSOLIDATOR_SOURCE,
    partitions: [],
    symbolCount: 0,
    quoteVolumeSum: 0,
    priceChangePercentSum: 0,
    spotCount: 0,
    quantumScoreSum: 0,
    quantumCount: 0,
    psychStateCounts: counts,
  };
  const partitions = new Set<number>();
  for (const p of partials) {
    sums.eventTime = Math.max(sums.eventTime, p.eventTime);
    sums.emitTime = Math.max(sums.emitTime, p.emitTime);
    for (const n of p.partitions) partitions.add(n);
    sums.symbolCount += p.symbolCount;
    sums.quoteVolumeSum += p.quoteVolumeSum;
    sums.priceChangePercentSum += p.priceChangePercentSum;
    sums.spotCount += p.spotCount;
    sums.quantumScoreSum += p.quantumScoreSum;
    sums.quantumCount += p.quantumCount;
    counts.euforia += p.psychStateCounts.euforia;
    counts.optimismo += p.psychStateCounts.optimismo;
    counts.neutral += p.psychStateCounts.neutral;
    counts.pesimismo += p.psychStateCounts.pesimismo;
    counts.panico += p.psychStateCounts.panico;
  }
  sums.partitions = [...partitions].sort((a, b) => a - b);
  return finish(sums);
}
