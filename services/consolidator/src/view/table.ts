import type { UnifiedMarket } from '@marketpipe/contracts';

/** Fixed-width cell: numbers right-aligned, text left-aligned, cut to the width. */
function cell(text: string, width: number, right = false): string {
  const t = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return right ? t.padStart(width) : t.padEnd(width);
}

function price(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  const digits = x >= 1000 ? 2 : x >= 1 ? 4 : 6;
  return x.toFixed(digits);
}

function pct(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}%`;
}

function age(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 60_000)}m`;
}

const COLUMNS: [string, number, boolean][] = [
  ['SYMBOL', 10, false],
  ['PRICE', 12, true],
  ['24H', 8, true],
  ['FUNDING', 9, true],
  ['ATM IV', 7, true],
  ['PSYCH', 10, false],
  ['QUANTUM', 7, true],
  ['BEST SRONA', 22, false],
  ['AGE (stale*)', 26, false],
];

/** One row of the live view: what a trader glances at, with each source's age and stale ones starred. */
export function renderRow(u: UnifiedMarket): string {
  const best = u.srona?.opportunities[0];
  const ages = u.freshness
    .filter((f) => f.present)
    .map((f) => `${f.source[0]}${age(f.ageMs)}${f.stale ? '*' : ''}`)
    .join(' ');
  const values = [
    u.symbol,
    price(u.spot?.lastPrice ?? u.futures?.lastPrice),
    pct(u.spot?.priceChangePercent),
    u.futures?.fundingRate === null || u.futures === null ? '–' : pct(u.futures.fundingRate * 100, 4),
    u.options?.summary.atmIV === null || u.options === null ? '–' : `${(u.options.summary.atmIV * 100).toFixed(1)}%`,
    u.psych?.state ?? (u.psych === null ? '–' : 'warming'),
    u.quantum === null ? '–' : u.quantum.ensembleScore.toFixed(3),
    best === undefined ? '–' : `${best.symbol} ${best.score.toFixed(2)}`,
    ages,
  ];
  return COLUMNS.map(([, width, right], i) => cell(values[i] ?? '', width, right)).join(' ');
}

/** The whole screen: a header, one row per symbol (sorted), and a status line. */
export function renderView(rows: readonly UnifiedMarket[], status: string): string {
  const header = COLUMNS.map(([name, width, right]) => cell(name, width, right)).join(' ');
  const body = [...rows].sort((a, b) => a.symbol.localeCompare(b.symbol)).map(renderRow);
  return [header, ...body, '', status].join('\n');
}

/**
 * The snapshot as of `now`: each present source's age grows by the time since the consolidator
 * wrote it, and `stale` and `confidence` are recomputed. A reader of Redis sees data as old as it
 * is, even when the writer has stopped (a Kafka outage) and the keys have not expired yet.
 */
export function asOf(u: UnifiedMarket, now: number, staleMs: number): UnifiedMarket {
  const since = Math.max(0, now - u.emitTime);
  const freshness = u.freshness.map((f) => {
    if (!f.present || f.ageMs === null) return f;
    const ageMs = f.ageMs + since;
    return { ...f, ageMs, stale: ageMs > staleMs };
  });
  const fresh = freshness.filter((f) => f.present && !f.stale).length;
  const confidence = freshness.length === 0 ? 0 : fresh / freshness.length;
  return { ...u, freshness, confidence };
}
