// mapOptionsChains takes a fused one-pass path (positional ticker/mark pairing when both bodies list
// the same symbols in the same order, a symbol map otherwise) and hands irregular bodies to
// mapOptionsChainsInSteps. Whatever path it takes, the result must equal the step-by-step mapping.
import type { OptionInstrument, OptionOpenInterest, OptionsChainContext } from '../../src/map';
import { mapOptionsChains } from '../../src/map';
import { mapOptionsChainsInSteps } from '../../src/map/chain';
import { fixture } from '../../../../libs/binance/test/fixtures';

const INDEX_TIME = 1_732_981_000_000;
const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so a failing case can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Universe {
  instruments: Map<string, OptionInstrument>;
  /** Known and unknown symbols rows may carry */
  symbols: string[];
}

function universe(random: () => number): Universe {
  const instruments = new Map<string, OptionInstrument>();
  const symbols: string[] = [];
  for (const [base, underlying] of [
    ['BTC', 'BTCUSDT'],
    ['ETH', 'ETHUSDT'],
    ['BNB', 'BNBUSDT'],
  ] as const) {
    for (const dayOffset of [-2, 0, 3, 10]) {
      const expiryTime = INDEX_TIME + dayOffset * DAY; // <= index time: expired
      for (const strike of [90, 100, 110]) {
        for (const side of ['CALL', 'PUT'] as const) {
          const symbol = `${base}-${dayOffset}-${strike}-${side[0]}`;
          symbols.push(symbol);
          instruments.set(symbol, {
            symbol,
            underlying,
            baseAsset: base,
            side,
            strike,
            expiryTime,
            unit: 1,
            quoteAsset: 'USDT',
            status: 'TRADING',
          });
        }
      }
    }
  }
  // Two instruments with the same expiry, strike and side under different symbols (equal sort keys).
  const twin = { ...(instruments.get('BTC-3-100-C') as OptionInstrument), symbol: 'BTC-3-100-C-TWIN' };
  instruments.set(twin.symbol, twin);
  symbols.push(twin.symbol);
  symbols.push('BTC-3-1-C', 'ETH-10-7-P'); // not in exchangeInfo
  if (random() < 0.1) instruments.clear();
  return { instruments, symbols };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Chance of a malformed value or element; most bodies are clean, so the fused path runs to the end. */
let dirt = 0;

function decimal(random: () => number, kinds: readonly string[]): unknown {
  return random() < dirt ? pick(random, ['abc', 12.5, null, '', undefined, '1e400', '-3']) : pick(random, kinds);
}

function tickerRow(random: () => number, symbol: string): Record<string, unknown> {
  return {
    symbol,
    lastPrice: decimal(random, ['50', '0', '241.6', '11670.00000000']),
    volume: decimal(random, ['17.56', '0', '3.68']),
    bidPrice: decimal(random, ['50', '0', '9.5']),
    askPrice: decimal(random, ['60', '0', '10.25']),
    strikePrice: '100',
  };
}

function markRow(random: () => number, symbol: string): Record<string, unknown> {
  return {
    symbol,
    markPrice: decimal(random, ['55', '0', '1789.2']),
    bidIV: decimal(random, ['0.5471', '-0.00000001', '0']),
    askIV: decimal(random, ['0.5702', '-0.00000001']),
    markIV: decimal(random, ['0.708575', '0', '1.2']),
    delta: decimal(random, ['-0.91110168', '0.5', '0']),
    theta: decimal(random, ['-1.0575559', '-41.2']),
    gamma: decimal(random, ['0.0001436', '0.0000083']),
    vega: decimal(random, ['2.00337645', '6.1']),
    highPriceLimit: '1982.4',
  };
}

function malformed(random: () => number, row: Record<string, unknown>): unknown {
  const r = random();
  if (r < dirt / 2) return pick(random, [null, 'x', 7, [row]]);
  if (r < dirt) return { ...row, symbol: pick(random, ['', 12, undefined]) };
  return row;
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function bodies(seed: number) {
  const random = rng(seed);
  dirt = random() < 0.3 ? 0.003 : 0;
  const { instruments, symbols } = universe(random);
  // A listing: some symbols, maybe some twice.
  const listed = shuffle(
    random,
    symbols.filter(() => random() < 0.8),
  );
  if (random() < 0.3)
    for (let k = 0; k < 3; k++) listed.splice(Math.floor(random() * listed.length), 0, pick(random, listed));
  const tickerSymbols = listed.filter(() => random() < 0.95);
  const mode = random();
  // ~half the cases: both bodies in the same order (the positional path); else the mark body drops,
  // adds or reorders rows.
  let markSymbols: string[];
  if (mode < 0.5) markSymbols = [...tickerSymbols];
  else if (mode < 0.7) markSymbols = listed.filter(() => random() < 0.9);
  else markSymbols = shuffle(random, [...listed]);
  const ticker = tickerSymbols.map((s) => malformed(random, tickerRow(random, s)));
  const mark = markSymbols.map((s) => malformed(random, markRow(random, s)));
  const polled = (['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] as const).filter(() => random() < 0.8);
  const indexes = polled.map((underlying) => ({
    underlying,
    body: random() < 0.05 ? '<html>' : { time: INDEX_TIME, indexPrice: underlying === 'BTCUSDT' ? '101.5' : '99' },
  }));
  const openInterest = new Map<string, OptionOpenInterest>();
  for (const s of symbols) {
    if (random() < 0.5)
      openInterest.set(s, { symbol: s, openInterest: 12.5, openInterestUsd: 1207978.15, time: INDEX_TIME });
  }
  const ctx: OptionsChainContext = { captureTime: INDEX_TIME + 1000, source: 'binance.options.rest', instruments };
  return { raw: { ticker: random() < 0.01 ? { code: -1, msg: 'x' } : ticker, mark, indexes }, openInterest, ctx };
}

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { error: String(error) };
  }
}

describe('mapOptionsChains fused path equals the step-by-step mapping', () => {
  it('on 2000 random bodies: shuffled, missing, duplicated and malformed rows, unknown and expired contracts', () => {
    let positionalCases = 0;
    let contracts = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const { raw, openInterest, ctx } = bodies(seed);
      const steps = outcome(() => mapOptionsChainsInSteps(raw, openInterest, ctx));
      const fused = outcome(() => mapOptionsChains(raw, openInterest, ctx));
      expect({ seed, result: fused }).toStrictEqual({ seed, result: steps });
      const t = raw.ticker;
      if (Array.isArray(t) && t.length === raw.mark.length) positionalCases++;
      const value = (steps as { value?: { records: { contracts: unknown[] }[] } }).value;
      for (const c of value?.records ?? []) contracts += c.contracts.length;
    }
    // The generator must reach both pairing modes and produce contracts, or the test proves little.
    expect(positionalCases).toBeGreaterThan(700);
    expect(contracts).toBeGreaterThan(10_000);
  });

  it('on the recorded ticker (LIVE 2024-11-30) with a mark row for each ticker row in the same order', () => {
    const ticker = fixture('options/ticker.json') as Record<string, unknown>[];
    const template = (fixture('options/mark.json') as Record<string, unknown>[])[0] as Record<string, unknown>;
    const mark = ticker.map((t) => ({ ...template, symbol: t['symbol'] }));
    const instruments = new Map<string, OptionInstrument>();
    for (const t of ticker) {
      const symbol = t['symbol'] as string;
      const [base = '', , strike = '', side = ''] = symbol.split('-');
      instruments.set(symbol, {
        symbol,
        underlying: `${base}USDT`,
        baseAsset: base,
        side: side === 'C' ? 'CALL' : 'PUT',
        strike: Number(strike),
        expiryTime: INDEX_TIME + 7 * DAY,
        unit: 1,
        quoteAsset: 'USDT',
        status: 'TRADING',
      });
    }
    const ctx: OptionsChainContext = { captureTime: INDEX_TIME + 1000, source: 'binance.options.rest', instruments };
    const indexes = ['BTCUSDT', 'ETHUSDT', 'XRPUSDT'].map((underlying) => ({
      underlying,
      body: { time: INDEX_TIME, indexPrice: '100' },
    }));
    const raw = { ticker, mark, indexes };
    const fused = mapOptionsChains(raw, new Map(), ctx);
    expect(fused).toStrictEqual(mapOptionsChainsInSteps(raw, new Map(), ctx));
    expect(fused.rejected).toEqual([]);
    const btc = fused.records.find((c) => c.underlying === 'BTCUSDT');
    expect(
      btc?.contracts.map((c) => [c.symbol, c.bidPrice, c.askPrice, c.lastPrice, c.volume, c.markIV, c.bidIV]),
    ).toEqual([
      ['BTC-241220-88000-C', null, null, 11670, 3.68, 0.708575, null],
      ['BTC-250926-110000-P', 10, null, null, 0, 0.708575, null],
      ['BTC-241206-115000-C', 50, 60, 50, 17.56, 0.708575, null],
    ]);
  });
});
