import { type OptionContract, TOPICS } from '@marketpipe/contracts';
import {
  type OptionInstrument,
  type OptionOpenInterest,
  type OptionsChainContext,
  assembleOptionsChains,
  keepLatestOptionOpenInterest,
  mapOptionsChains,
  mapOptionsMark,
  mapOptionsOpenInterest,
  mapOptionsTicker,
  summarizeChain,
} from '../../src/map';
import { expectContract, fixture } from '../../../../libs/binance/test/fixtures';

// No two options fixtures share a symbol (ticker 2024-11-30 LIVE, mark ETH-231229 LIVE, exchangeInfo,
// index and openInterest DOC EXAMPLES), so the chain is assembled from the LIVE ticker plus metadata,
// mark rows, index and open-interest rows written by hand in the recorded shapes.
const SOURCE = 'binance.options.rest';
const INDEX_TIME = 1_732_981_000_000; // 2024-11-30T15:36:40Z, after the ticker's newest closeTime
const CAPTURE = INDEX_TIME + 1_000;

function instrument(symbol: string, underlying: string, expiryTime: number, unit = 1): OptionInstrument {
  const [base = '', , strike = '', side = ''] = symbol.split('-');
  return {
    symbol,
    underlying,
    baseAsset: base,
    side: side === 'C' ? 'CALL' : 'PUT',
    strike: Number(strike),
    expiryTime,
    unit,
    quoteAsset: 'USDT',
    status: 'TRADING',
  };
}

const DEC06 = 1_733_472_000_000; // 2024-12-06T08:00:00Z
const DEC20 = 1_734_681_600_000; // 2024-12-20T08:00:00Z
const DEC27 = 1_735_286_400_000; // 2024-12-27T08:00:00Z
const SEP26 = 1_758_873_600_000; // 2025-09-26T08:00:00Z
const instruments = new Map(
  [
    instrument('BTC-241206-115000-C', 'BTCUSDT', DEC06),
    instrument('BTC-241220-88000-C', 'BTCUSDT', DEC20),
    instrument('BTC-250926-110000-P', 'BTCUSDT', SEP26),
    instrument('ETH-241227-3700-P', 'ETHUSDT', DEC27),
    instrument('BNB-241227-600-P', 'BNBUSDT', DEC27),
    instrument('SOL-241227-210-C', 'SOLUSDT', DEC27),
    instrument('XRP-241206-1.48-C', 'XRPUSDT', DEC06),
    instrument('DOGE-241206-0.34-P', 'DOGEUSDT', DEC06),
    instrument('ETH-231229-800-C', 'ETHUSDT', 1_703_836_800_000), // the LIVE mark fixture's contract, long expired
  ].map((i) => [i.symbol, i]),
);
const ctx: OptionsChainContext = { captureTime: CAPTURE, source: SOURCE, instruments };

const markRow = (symbol: string, markPrice: string, markIV: string, bidIV: string, askIV: string, delta: string) => ({
  symbol,
  markPrice,
  bidIV,
  askIV,
  markIV,
  delta,
  theta: '-41.2',
  gamma: '0.0000083',
  vega: '6.1',
  highPriceLimit: '1000',
  lowPriceLimit: '5',
  riskFreeInterest: '0.1',
});
const marks = (): unknown[] => [
  markRow('BTC-241206-115000-C', '55', '0.5586', '0.5471', '0.5702', '0.0301'),
  markRow('BTC-241220-88000-C', '9770', '0.5612', '-0.00000001', '-0.00000001', '0.8412'),
  markRow('BTC-250926-110000-P', '21890', '0.5523', '0.4987', '-0.00000001', '-0.5598'),
  markRow('ETH-241227-3700-P', '254.7', '0.7115', '0.7012', '0.722', '-0.5113'),
  ...(fixture('options/mark.json') as unknown[]),
];
const indexes = [
  { underlying: 'BTCUSDT', body: { time: INDEX_TIME, indexPrice: '96638.25170213' } },
  { underlying: 'ETHUSDT', body: { time: INDEX_TIME, indexPrice: '3679.15863636' } },
];
const openInterest = (): Map<string, OptionOpenInterest> => {
  const rows = mapOptionsOpenInterest(
    [
      {
        symbol: 'BTC-241206-115000-C',
        sumOpenInterest: '12.5',
        sumOpenInterestUsd: '1207978.15',
        timestamp: '1732980960000',
      },
      {
        symbol: 'BTC-241220-88000-C',
        sumOpenInterest: '3.2',
        sumOpenInterestUsd: '309242.41',
        timestamp: '1732980960000',
      },
      {
        symbol: 'BTC-250926-110000-P',
        sumOpenInterest: '1.1',
        sumOpenInterestUsd: '106302.08',
        timestamp: '1732980960000',
      },
    ],
    ctx,
  ).records;
  const book = new Map<string, OptionOpenInterest>();
  keepLatestOptionOpenInterest(book, rows);
  return book;
};

describe('mapOptionsChains on the recorded ticker (LIVE 2024-11-30) with hand-made mark, index and OI rows', () => {
  const mapped = mapOptionsChains(
    { ticker: fixture('options/ticker.json'), mark: marks(), indexes },
    openInterest(),
    ctx,
  );
  const btc = mapped.records.find((c) => c.underlying === 'BTCUSDT');
  const eth = mapped.records.find((c) => c.underlying === 'ETHUSDT');

  it('assembles one chain per polled underlying with the index time as eventTime', () => {
    expect(mapped.records.map((c) => [c.underlying, c.eventTime, c.captureTime, c.source, c.indexPrice])).toEqual([
      ['BTCUSDT', INDEX_TIME, CAPTURE, SOURCE, 96638.25170213],
      ['ETHUSDT', INDEX_TIME, CAPTURE, SOURCE, 3679.15863636],
    ]);
  });

  it('builds the BTC contracts from metadata, the recorded quotes and the mark rows, sorted by expiry', () => {
    expect(btc?.contracts).toEqual([
      {
        symbol: 'BTC-241206-115000-C',
        side: 'CALL',
        strike: 115000,
        expiryTime: DEC06,
        unit: 1,
        bidPrice: 50,
        askPrice: 60,
        bidQty: null,
        askQty: null,
        markPrice: 55,
        lastPrice: 50,
        volume: 17.56,
        openInterest: 12.5,
        openInterestUsd: 1207978.15,
        markIV: 0.5586,
        bidIV: 0.5471,
        askIV: 0.5702,
        delta: 0.0301,
        gamma: 0.0000083,
        theta: -41.2,
        vega: 6.1,
      },
      {
        symbol: 'BTC-241220-88000-C',
        side: 'CALL',
        strike: 88000,
        expiryTime: DEC20,
        unit: 1,
        bidPrice: null,
        askPrice: null,
        bidQty: null,
        askQty: null,
        markPrice: 9770,
        lastPrice: 11670,
        volume: 3.68,
        openInterest: 3.2,
        openInterestUsd: 309242.41,
        markIV: 0.5612,
        bidIV: null,
        askIV: null,
        delta: 0.8412,
        gamma: 0.0000083,
        theta: -41.2,
        vega: 6.1,
      },
      {
        symbol: 'BTC-250926-110000-P',
        side: 'PUT',
        strike: 110000,
        expiryTime: SEP26,
        unit: 1,
        bidPrice: 10,
        askPrice: null,
        bidQty: null,
        askQty: null,
        markPrice: 21890,
        lastPrice: null,
        volume: 0,
        openInterest: 1.1,
        openInterestUsd: 106302.08,
        markIV: 0.5523,
        bidIV: 0.4987,
        askIV: null,
        delta: -0.5598,
        gamma: 0.0000083,
        theta: -41.2,
        vega: 6.1,
      },
    ]);
  });

  it('summarises the BTC chain: counts, nearest expiry, ATM at that expiry, totals and ratios', () => {
    expect(btc?.summary).toEqual({
      contractCount: 3,
      expiryCount: 3,
      nearestExpiryTime: DEC06,
      atmStrike: 115000,
      atmIV: 0.5586,
      callOpenInterest: 12.5 + 3.2,
      putOpenInterest: 1.1,
      callVolume: 17.56 + 3.68,
      putVolume: 0,
      putCallOpenInterestRatio: 1.1 / (12.5 + 3.2),
      putCallVolumeRatio: 0,
    });
  });

  it('gives the ETH chain null open interest (never polled) and null put/call ratios (no call side)', () => {
    expect(eth?.contracts.map((c) => [c.symbol, c.openInterest, c.openInterestUsd])).toEqual([
      ['ETH-241227-3700-P', null, null],
    ]);
    expect(eth?.summary).toEqual({
      contractCount: 1,
      expiryCount: 1,
      nearestExpiryTime: DEC27,
      atmStrike: 3700,
      atmIV: 0.7115,
      callOpenInterest: 0,
      putOpenInterest: 0,
      callVolume: 0,
      putVolume: 1.51,
      putCallOpenInterestRatio: null,
      putCallVolumeRatio: null,
    });
  });

  it('rejects the recorded mark of the long-expired ETH-231229-800-C and the ticker rows without a mark', () => {
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/eapi/v1/exchangeInfo',
        symbol: 'ETH-231229-800-C',
        reason: 'expired: expiryDate 1703836800000 is not after the index time 1732981000000',
      },
    ]);
  });

  it('ignores the BNB, SOL, XRP and DOGE rows because their underlyings were not polled', () => {
    expect(mapped.records.flatMap((c) => c.contracts.map((k) => k.symbol))).not.toContain('BNB-241227-600-P');
  });

  it('produces chains that satisfy the market.options.chain contract', () => {
    expectContract(TOPICS.optionsChain, mapped.records);
  });
});

describe('assembleOptionsChains rejections', () => {
  const parts = () => ({
    tickers: mapOptionsTicker(fixture('options/ticker.json'), ctx).records,
    marks: mapOptionsMark(marks(), ctx).records,
    indexes: [{ underlying: 'BTCUSDT', indexPrice: 96638.25170213, time: INDEX_TIME }],
    openInterest: new Map<string, OptionOpenInterest>(),
  });

  it('rejects a mark row whose symbol is not in exchangeInfo and one without a ticker row, and ignores unpolled underlyings', () => {
    const p = parts();
    const extraMarks = [
      ...p.marks,
      { ...p.marks[0]!, symbol: 'BTC-241206-120000-C' },
      { ...p.marks[0]!, symbol: 'BTC-241206-90000-P' },
    ];
    const withInstrument = new Map(instruments);
    withInstrument.set('BTC-241206-90000-P', instrument('BTC-241206-90000-P', 'BTCUSDT', DEC06));
    const mapped = assembleOptionsChains({ ...p, marks: extraMarks }, { ...ctx, instruments: withInstrument });
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/eapi/v1/exchangeInfo',
        symbol: 'BTC-241206-120000-C',
        reason: 'not a TRADING symbol in exchangeInfo optionSymbols',
      },
      { endpoint: '/eapi/v1/ticker', symbol: 'BTC-241206-90000-P', reason: 'no ticker element for this symbol' },
    ]);
    expect(mapped.records[0]?.contracts).toHaveLength(3);
  });

  it('rejects a ticker row of a polled underlying without a mark row, and one unknown to exchangeInfo', () => {
    const p = parts();
    const tickers = [...p.tickers, { ...p.tickers[0]!, symbol: 'BTC-241206-1-C' }];
    const mapped = assembleOptionsChains({ ...p, tickers, marks: p.marks.slice(1) }, ctx);
    expect(mapped.rejected).toEqual([
      { endpoint: '/eapi/v1/mark', symbol: 'BTC-241206-115000-C', reason: 'no mark element for this symbol' },
      {
        endpoint: '/eapi/v1/exchangeInfo',
        symbol: 'BTC-241206-1-C',
        reason: 'not a TRADING symbol in exchangeInfo optionSymbols',
      },
    ]);
  });

  it('publishes an empty chain for a polled underlying with no live contracts', () => {
    const mapped = assembleOptionsChains(
      { ...parts(), indexes: [{ underlying: 'ADAUSDT', indexPrice: 1.05, time: INDEX_TIME }] },
      ctx,
    );
    expect(mapped.records).toEqual([
      {
        underlying: 'ADAUSDT',
        eventTime: INDEX_TIME,
        captureTime: CAPTURE,
        source: SOURCE,
        indexPrice: 1.05,
        contracts: [],
        summary: {
          contractCount: 0,
          expiryCount: 0,
          nearestExpiryTime: null,
          atmStrike: null,
          atmIV: null,
          callOpenInterest: 0,
          putOpenInterest: 0,
          callVolume: 0,
          putVolume: 0,
          putCallOpenInterestRatio: null,
          putCallVolumeRatio: null,
        },
      },
    ]);
    expectContract(TOPICS.optionsChain, mapped.records);
  });

  it('rejects an unusable index body for its underlying only and still assembles the others', () => {
    const mapped = mapOptionsChains(
      {
        ticker: fixture('options/ticker.json'),
        mark: marks(),
        indexes: [{ underlying: 'BTCUSDT', body: '<html>' }, indexes[1]!],
      },
      new Map(),
      ctx,
    );
    expect(mapped.records.map((c) => c.underlying)).toEqual(['ETHUSDT']);
    expect(mapped.rejected[0]).toEqual({
      endpoint: '/eapi/v1/index',
      symbol: 'BTCUSDT',
      reason: 'expected a JSON object, got "<html>"',
    });
  });

  it('passes ticker and mark element rejections through with the chain', () => {
    const ticker = fixture('options/ticker.json') as Record<string, unknown>[];
    ticker[0] = { ...ticker[0], volume: 'abc' };
    const mapped = mapOptionsChains({ ticker, mark: marks(), indexes }, new Map(), ctx);
    expect(mapped.rejected).toContainEqual({
      endpoint: '/eapi/v1/ticker',
      symbol: 'BTC-241206-115000-C',
      reason: 'volume: expected a decimal string, got "abc"',
    });
    expect(mapped.rejected).toContainEqual({
      endpoint: '/eapi/v1/ticker',
      symbol: 'BTC-241206-115000-C',
      reason: 'no ticker element for this symbol',
    });
  });
});

describe('summarizeChain ATM rule', () => {
  const contract = (side: 'CALL' | 'PUT', strike: number, expiryTime: number, markIV: number): OptionContract => ({
    symbol: `BTC-X-${strike}-${side[0]}`,
    side,
    strike,
    expiryTime,
    unit: 1,
    bidPrice: null,
    askPrice: null,
    bidQty: null,
    askQty: null,
    markPrice: 1,
    lastPrice: null,
    volume: 1,
    openInterest: null,
    openInterestUsd: null,
    markIV,
    bidIV: null,
    askIV: null,
    delta: 0,
    gamma: 0,
    theta: 0,
    vega: 0,
  });

  it('averages the call and put mark IV at the strike nearest the index on the nearest expiry', () => {
    const contracts = [
      contract('CALL', 95000, DEC06, 0.5),
      contract('PUT', 95000, DEC06, 0.6),
      contract('CALL', 100000, DEC06, 0.45),
      contract('PUT', 100000, DEC06, 0.7),
      contract('CALL', 97000, DEC20, 0.1),
    ];
    const summary = summarizeChain(contracts, 96638.25);
    expect(summary.atmStrike).toBe(95000);
    expect(summary.atmIV).toBe((0.5 + 0.6) / 2);
    expect(summary.nearestExpiryTime).toBe(DEC06);
    expect(summary.expiryCount).toBe(2);
  });

  it('takes the lower strike when the index lies exactly between two strikes', () => {
    const contracts = [contract('CALL', 95000, DEC06, 0.5), contract('CALL', 100000, DEC06, 0.45)];
    expect(summarizeChain(contracts, 97500).atmStrike).toBe(95000);
  });

  it('uses the single side listed at the ATM strike', () => {
    const contracts = [contract('PUT', 95000, DEC06, 0.61), contract('CALL', 100000, DEC06, 0.45)];
    expect(summarizeChain(contracts, 96000).atmIV).toBe(0.61);
  });
});
