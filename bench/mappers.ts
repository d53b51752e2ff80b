// Mapper throughput: our checked spot-ticker, futures-merge and options-chain mappers against ccxt's
// own Binance parsers, on the SAME recorded payloads (fixtures/binance) scaled up to realistic batch
// sizes with synthetic symbols. No network: ccxt gets its markets from the recorded exchangeInfo via
// parseMarkets/setMarkets, and its parse functions are called directly.
//
// What each side does per element (the post-HTTP work of one poll):
//   spot     ours: mapSpotTickers (checks + SpotTicker)          ccxt: binance.parseTickers (fetchTickers)
//   futures  ours: mapFuturesTickers (24hr + premiumIndex checks, merge with held open interest)
//            ccxt: binanceusdm.parseTickers (24hr) + parseFundingRates (premiumIndex)
//   options  ours: mapOptionsChains (ticker + mark + index checks, chain assembly and summary)
//            ccxt: binance.parseOption (eapi ticker) + parseGreeks (eapi mark) per contract
// JSON.parse is the feed's job on both sides and is not timed.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ccxt from 'ccxt';
import { type Contender, type Throughput, measureInterleaved, pairedRatios, summarize } from './lib/measure.ts';
import { writeReport } from './lib/report.ts';

import type * as SpotMapModule from '../services/capture-spot/src/map/index.ts';
import type * as FuturesMapModule from '../services/capture-futures/src/map/index.ts';
import type * as OptionsMapModule from '../services/capture-options/src/map/index.ts';

type SpotMap = typeof SpotMapModule;
type FuturesMap = typeof FuturesMapModule;
type OptionsMap = typeof OptionsMapModule;
type Json = Record<string, unknown>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The built CommonJS output: Node's type stripping cannot resolve the extensionless imports in src.
const spot = require(join(ROOT, 'services/capture-spot/dist/map/index.js')) as SpotMap;
const futures = require(join(ROOT, 'services/capture-futures/dist/map/index.js')) as FuturesMap;
const options = require(join(ROOT, 'services/capture-options/dist/map/index.js')) as OptionsMap;

function fixture<T>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures/binance', path), 'utf8')) as T;
}

function cycle<T>(items: readonly T[], i: number): T {
  const item = items[i % items.length];
  if (item === undefined) throw new Error('empty template list');
  return item;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench setup: ${message}`);
}

const SPOT_BATCH = 2000;
const FUTURES_BATCH = 600;
const OPTION_EXPIRIES = 10;
const OPTION_STRIKES = 30; // x 2 sides x 2 underlyings = 1200 contracts

// ---------------------------------------------------------------- spot
function spotCase(): Contender[] {
  const info = fixture<Json>('spot/exchangeInfo.json');
  const symbolTemplates = (info['symbols'] as Json[]).filter((s) => s['status'] === 'TRADING');
  // BCCBTC (delisted) is left out so both sides map every element.
  const tickerTemplates = fixture<Json[]>('spot/ticker_24hr_symbols.json').filter((t) => t['symbol'] !== 'BCCBTC');
  const symbols: Json[] = [];
  const tickers: Json[] = [];
  for (let i = 0; i < SPOT_BATCH; i++) {
    const symbol = `S${i}USDT`;
    symbols.push({ ...cycle(symbolTemplates, i), symbol, baseAsset: `S${i}`, quoteAsset: 'USDT' });
    tickers.push({ ...cycle(tickerTemplates, i), symbol });
  }
  const ctx = { captureTime: 1_704_489_130_000, source: 'binance.spot.rest' };
  const ours = spot.mapSpotTickers(tickers, ctx);
  check(ours.records.length === SPOT_BATCH && ours.rejected.length === 0, 'spot: ours must map every element');

  const ex = new ccxt.binance();
  // fetchMarkets normally fills these from two sapi calls; no margin pairs offline.
  ex.options['crossMarginPairsData'] = [];
  ex.options['isolatedMarginPairsData'] = [];
  ex.setMarkets(ex.parseMarkets(symbols));
  check(Object.keys(ex.parseTickers(tickers)).length === SPOT_BATCH, 'spot: ccxt must parse every element');

  return [
    { name: 'ours', itemsPerCall: SPOT_BATCH, run: () => spot.mapSpotTickers(tickers, ctx).records.length },
    { name: 'ccxt', itemsPerCall: SPOT_BATCH, run: () => Object.keys(ex.parseTickers(tickers)).length },
  ];
}

// ---------------------------------------------------------------- futures
function futuresCase(): Contender[] {
  const info = fixture<Json>('futures/exchangeInfo.json');
  const perpetual = (info['symbols'] as Json[]).find((s) => s['symbol'] === 'BTCUSDT');
  check(perpetual !== undefined, 'futures: BTCUSDT template');
  const tickerTemplates = fixture<Json[]>('futures/ticker_24hr.json');
  const premiumTemplates = fixture<Json[]>('futures/premiumIndex.json').filter((p) => p['nextFundingTime'] !== 0);
  const symbols: Json[] = [];
  const tickers: Json[] = [];
  const premium: Json[] = [];
  for (let i = 0; i < FUTURES_BATCH; i++) {
    const symbol = `F${i}USDT`;
    symbols.push({ ...perpetual, symbol, pair: symbol, baseAsset: `F${i}` });
    tickers.push({ ...cycle(tickerTemplates, i), symbol });
    premium.push({ ...cycle(premiumTemplates, i), symbol });
  }
  const ctx = { captureTime: 1_750_149_489_000, source: 'binance.futures.rest' };
  const instruments = futures.mapFuturesExchangeInfo({ ...info, symbols }, ctx).instruments;
  const mergeCtx = { ...ctx, instruments };
  // Open interest is polled separately; half the symbols have a held value.
  const oi = new Map<string, FuturesMapModule.FuturesOpenInterest>();
  for (let i = 0; i < FUTURES_BATCH; i += 2) {
    oi.set(`F${i}USDT`, { symbol: `F${i}USDT`, openInterest: 80579.225, time: 1_717_514_517_019 });
  }
  const ours = futures.mapFuturesTickers(tickers, premium, oi, mergeCtx);
  check(ours.records.length === FUTURES_BATCH && ours.rejected.length === 0, 'futures: ours must merge every symbol');

  const ex = new ccxt.binanceusdm();
  ex.setMarkets(ex.parseMarkets(symbols));
  const parseCcxt = (): number =>
    Object.keys(ex.parseTickers(tickers)).length + Object.keys(ex.parseFundingRates(premium)).length / 2;
  check(parseCcxt() === FUTURES_BATCH * 1.5, 'futures: ccxt must parse every element');

  return [
    {
      name: 'ours',
      itemsPerCall: FUTURES_BATCH,
      run: () => futures.mapFuturesTickers(tickers, premium, oi, mergeCtx).records.length,
    },
    { name: 'ccxt', itemsPerCall: FUTURES_BATCH, run: parseCcxt },
  ];
}

// ---------------------------------------------------------------- options
function optionsCase(): Contender[] {
  const info = fixture<Json>('options/exchangeInfo.json');
  const symbolTemplate = (info['optionSymbols'] as Json[])[0];
  check(symbolTemplate !== undefined, 'options: optionSymbols template');
  const tickerTemplates = fixture<Json[]>('options/ticker.json');
  const markTemplate = fixture<Json[]>('options/mark.json')[0];
  check(markTemplate !== undefined, 'options: mark template');

  const INDEX_TIME = 1_732_981_000_000; // 2024-11-30, the live ticker's capture day
  const FIRST_EXPIRY = 1_733_472_000_000; // 2024-12-06T08:00:00Z
  const WEEK = 7 * 86_400_000;
  const underlyings = [
    { underlying: 'BTCUSDT', base: 'BTC', firstStrike: 70_000, step: 2_000, index: '96638.25170213' },
    { underlying: 'ETHUSDT', base: 'ETH', firstStrike: 2_500, step: 100, index: '3679.15863636' },
  ];
  const symbols: Json[] = [];
  const tickers: Json[] = [];
  const marks: Json[] = [];
  let n = 0;
  for (const u of underlyings) {
    for (let e = 0; e < OPTION_EXPIRIES; e++) {
      const expiry = FIRST_EXPIRY + e * WEEK;
      const d = new Date(expiry);
      const yymmdd = `${d.getUTCFullYear() % 100}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
      for (let k = 0; k < OPTION_STRIKES; k++) {
        const strike = String(u.firstStrike + k * u.step);
        for (const side of ['CALL', 'PUT']) {
          const symbol = `${u.base}-${yymmdd}-${strike}-${side[0]}`;
          symbols.push({
            ...symbolTemplate,
            symbol,
            side,
            strikePrice: strike,
            underlying: u.underlying,
            expiryDate: expiry,
          });
          tickers.push({ ...cycle(tickerTemplates, n), symbol, strikePrice: strike });
          marks.push({ ...markTemplate, symbol });
          n++;
        }
      }
    }
  }
  const contracts = symbols.length;
  const ctx = { captureTime: INDEX_TIME + 1000, source: 'binance.options.rest' };
  const exchangeInfo = options.mapOptionsExchangeInfo(
    { ...info, optionSymbols: symbols, serverTime: INDEX_TIME, optionContracts: [] },
    ctx,
  );
  check(exchangeInfo.instruments.size === contracts, 'options: every synthetic symbol must be an instrument');
  const chainCtx = { ...ctx, instruments: exchangeInfo.instruments };
  const indexes = underlyings.map((u) => ({
    underlying: u.underlying,
    body: { time: INDEX_TIME, indexPrice: u.index },
  }));
  const raw = { ticker: tickers, mark: marks, indexes };
  // Open interest is polled per expiry at a slower cadence; half the contracts have a held value.
  const oiRows = symbols
    .filter((_, i) => i % 2 === 0)
    .map((s) => ({
      symbol: s['symbol'],
      sumOpenInterest: '12.5',
      sumOpenInterestUsd: '1207978.15',
      timestamp: String(INDEX_TIME - 60_000),
    }));
  const oi = new Map<string, OptionsMapModule.OptionOpenInterest>();
  options.keepLatestOptionOpenInterest(oi, options.mapOptionsOpenInterest(oiRows, ctx).records);
  check(oi.size === contracts / 2, 'options: open interest rows');
  const countContracts = (): number => {
    const chains = options.mapOptionsChains(raw, oi, chainCtx).records;
    let total = 0;
    for (const c of chains) total += c.contracts.length;
    return total;
  };
  check(countContracts() === contracts, 'options: ours must assemble every contract');
  check(options.mapOptionsChains(raw, oi, chainCtx).rejected.length === 0, 'options: no rejections');

  const ex = new ccxt.binance();
  ex.setMarkets(ex.parseMarkets(symbols));
  const parseCcxt = (): number => {
    let total = 0;
    for (let i = 0; i < tickers.length; i++) {
      const option = ex.parseOption(tickers[i] as Json);
      const greeks = ex.parseGreeks(marks[i] as Json);
      if (option.symbol === greeks.symbol) total++;
    }
    return total;
  };
  check(parseCcxt() === contracts, 'options: ccxt must parse every contract');

  return [
    { name: 'ours', itemsPerCall: contracts, run: countContracts },
    { name: 'ccxt', itemsPerCall: contracts, run: parseCcxt },
  ];
}

// ---------------------------------------------------------------- run
interface ProductResult {
  batch: number;
  unit: string;
  ours: Throughput;
  ccxt: Throughput;
  /** ours.median / ccxt.median */
  ratio: number;
  /** Ratios of back-to-back samples (ours_i / ccxt_i): median and quartiles, less exposed to load drift */
  pairedRatio: Throughput;
}

const MEASURE = { warmupMs: 1500, samples: 21, minSampleMs: 250 };

export function runMapperBench(): string {
  const cases: [string, string, () => Contender[]][] = [
    ['spotTicker', 'tickers/s', spotCase],
    ['futuresTicker', 'merged symbols/s', futuresCase],
    ['optionsChain', 'contracts/s', optionsCase],
  ];
  const products: Record<string, ProductResult> = {};
  for (const [name, unit, build] of cases) {
    const contenders = build();
    const values = measureInterleaved(contenders, MEASURE);
    const oursValues = values.get('ours');
    const ccxtValues = values.get('ccxt');
    if (oursValues === undefined || ccxtValues === undefined) throw new Error('missing result');
    const ours = summarize(oursValues);
    const theirs = summarize(ccxtValues);
    const pairedRatio = summarize(pairedRatios(oursValues, ccxtValues));
    products[name] = {
      batch: contenders[0]?.itemsPerCall ?? 0,
      unit,
      ours,
      ccxt: theirs,
      ratio: ours.median / theirs.median,
      pairedRatio,
    };
    const fmt = (t: Throughput): string =>
      `${Math.round(t.median).toLocaleString('en-US')} (IQR ±${(t.relativeIqr * 50).toFixed(1)} %)`;
    console.log(
      `${name.padEnd(14)} ours ${fmt(ours)}  ccxt ${fmt(theirs)}  ratio ${(ours.median / theirs.median).toFixed(1)}x (paired ${pairedRatio.median.toFixed(1)}x, IQR ${pairedRatio.p25.toFixed(1)}-${pairedRatio.p75.toFixed(1)})  [${unit}]`,
    );
  }
  const ccxtPackage = JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/ccxt/package.json'), 'utf8')) as Json;
  return writeReport('mappers', {
    ccxt: { package: ccxtPackage['version'], reportedVersion: ccxt.version },
    method: {
      ...MEASURE,
      note: 'interleaved samples after warm-up; items/s per sample; median and quartiles over samples; pairedRatio = ratios of back-to-back samples; JSON.parse not timed',
    },
    products,
  });
}
