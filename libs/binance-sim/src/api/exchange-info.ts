// exchangeInfo of the three products, field order as in the recorded responses. Per-symbol JSON is
// built once; only serverTime changes between requests.

import { type Market } from '../model/market';
import { type OptionContract, QTY_DECIMALS } from '../model/options';
import { type FuturesMarket, type SpotMarket } from '../model/universe';
import { fixed, units } from '../format/decimal';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { ceil, exp, log10 } = Math;

export interface RateLimitInfo {
  rateLimitType: string;
  interval: 'SECOND' | 'MINUTE' | 'DAY';
  intervalNum: number;
  limit: number;
}

const pow10 = (x: number): number => 10 ** ceil(log10(x));

function spotSymbol(m: SpotMarket): string {
  const g = m.inst.grid;
  const price = exp(m.inst.path.logBase);
  const lot = units(1, g.qtyDecimals, 8);
  const minNotional = 5 / m.quoteUsd; // 5 USD worth of the quote asset
  return JSON.stringify({
    symbol: m.symbol,
    status: m.status,
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    opoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    pegInstructionsAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: m.quote === 'USDT',
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: units(g.tickUnits, g.priceDecimals, 8),
        maxPrice: fixed(pow10(price * 1000), 8),
        tickSize: units(g.tickUnits, g.priceDecimals, 8),
      },
      { filterType: 'LOT_SIZE', minQty: lot, maxQty: fixed(pow10(m.inst.minuteVolume * 1440), 8), stepSize: lot },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: '0.00000000',
        maxQty: fixed(pow10(m.inst.minuteVolume * 60), 8),
        stepSize: '0.00000000',
      },
      {
        filterType: 'TRAILING_DELTA',
        minTrailingAboveDelta: 10,
        maxTrailingAboveDelta: 2000,
        minTrailingBelowDelta: 10,
        maxTrailingBelowDelta: 2000,
      },
      {
        filterType: 'PERCENT_PRICE_BY_SIDE',
        bidMultiplierUp: '5',
        bidMultiplierDown: '0.2',
        askMultiplierUp: '5',
        askMultiplierDown: '0.2',
        avgPriceMins: 5,
      },
      {
        filterType: 'NOTIONAL',
        minNotional: fixed(minNotional, 8),
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [m.quote === 'USDT' ? ['SPOT', 'MARGIN'] : ['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
  });
}

function futuresSymbol(f: FuturesMarket): string {
  const g = f.inst.grid;
  const price = exp(f.inst.path.logBase);
  const tick = units(g.tickUnits, g.priceDecimals, g.priceDecimals);
  const lot = units(1, g.qtyDecimals, g.qtyDecimals);
  const maxQty = String(pow10(f.openInterest / 10));
  return JSON.stringify({
    symbol: f.symbol,
    pair: f.pair,
    contractType: f.contractType,
    deliveryDate: f.deliveryDate,
    onboardDate: f.onboardDate,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: f.base,
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    pricePrecision: g.priceDecimals,
    quantityPrecision: g.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: f.contractType === 'PERPETUAL' ? ['Layer-1'] : [],
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: String(pow10(price * 100)), tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: lot, maxQty, stepSize: lot },
      { filterType: 'MARKET_LOT_SIZE', minQty: lot, maxQty, stepSize: lot },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MIN_NOTIONAL', notional: f.base === 'BTC' ? '100' : '5' },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  });
}

function optionSymbol(c: OptionContract): string {
  const u = c.u;
  const tick = fixed(u.tickUnits / 10 ** u.priceDecimals, u.priceDecimals);
  return JSON.stringify({
    expiryDate: c.expiry,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: tick,
        maxPrice: fixed(pow10(c.strike * 2), u.priceDecimals),
        tickSize: tick,
      },
      { filterType: 'LOT_SIZE', minQty: '0.01', maxQty: String(u.maxQty), stepSize: '0.01' },
    ],
    symbol: c.symbol,
    side: c.side,
    strikePrice: c.strikeText,
    underlying: u.underlying,
    unit: 1,
    liquidationFeeRate: '0.0019000',
    minQty: '0.01',
    maxQty: String(u.maxQty),
    initialMargin: '0.15',
    maintenanceMargin: '0.075',
    minInitialMargin: '0.1',
    minMaintenanceMargin: '0.05',
    priceScale: u.priceDecimals,
    quantityScale: QTY_DECIMALS,
    quoteAsset: 'USDT',
    status: 'TRADING',
  });
}

/** `{…"serverTime":<now>…}` from a prefix and a suffix built once. */
export class ServerTimeTemplate {
  private readonly prefix: Buffer;
  private readonly suffix: Buffer;

  constructor(json: string) {
    const at = json.indexOf('"serverTime":0') + '"serverTime":'.length;
    this.prefix = Buffer.from(json.slice(0, at));
    this.suffix = Buffer.from(json.slice(at + 1));
  }

  render(now: number): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(String(now)), this.suffix]);
  }
}

export class ExchangeInfo {
  private readonly spotJson = new Map<string, string>();
  private readonly futuresJson = new Map<string, string>();
  private readonly optionJson = new Map<string, string>();
  private spotAll: ServerTimeTemplate | undefined;
  private futuresAll: { key: number; tpl: ServerTimeTemplate } | undefined;
  private optionsAll: { key: OptionContract[]; tpl: ServerTimeTemplate } | undefined;

  constructor(
    private readonly market: Market,
    private readonly limits: { spot: RateLimitInfo[]; futures: RateLimitInfo[]; options: RateLimitInfo[] },
  ) {}

  private spotSymbolJson(m: SpotMarket): string {
    let s = this.spotJson.get(m.symbol);
    if (s === undefined) this.spotJson.set(m.symbol, (s = spotSymbol(m)));
    return s;
  }

  /** Spot exchangeInfo for the given markets (all when undefined). */
  spot(now: number, markets?: readonly SpotMarket[]): Buffer {
    const build = (list: readonly SpotMarket[]): ServerTimeTemplate =>
      new ServerTimeTemplate(
        `{"timezone":"UTC","serverTime":0,"rateLimits":${JSON.stringify(this.limits.spot)},"exchangeFilters":[],"symbols":[${list.map((m) => this.spotSymbolJson(m)).join(',')}]}`,
      );
    if (markets) return build(markets).render(now);
    this.spotAll ??= build(this.market.universe.spot);
    return this.spotAll.render(now);
  }

  futures(now: number, markets: readonly FuturesMarket[]): Buffer {
    const key = markets.length + (markets[markets.length - 1]?.deliveryDate ?? 0);
    if (this.futuresAll?.key !== key) {
      const symbols = markets.map((f) => {
        let s = this.futuresJson.get(f.symbol);
        if (s === undefined) this.futuresJson.set(f.symbol, (s = futuresSymbol(f)));
        return s;
      });
      const assets = [
        { asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' },
        { asset: 'BTC', marginAvailable: true, autoAssetExchange: '-0.10000000' },
        { asset: 'BNB', marginAvailable: true, autoAssetExchange: '0' },
        { asset: 'ETH', marginAvailable: true, autoAssetExchange: '0' },
        { asset: 'USDC', marginAvailable: true, autoAssetExchange: '-10000' },
        { asset: 'FDUSD', marginAvailable: true, autoAssetExchange: '0' },
        { asset: 'BNFCR', marginAvailable: true, autoAssetExchange: '-5000' },
      ];
      const body = `{"timezone":"UTC","serverTime":0,"futuresType":"U_MARGINED","rateLimits":${JSON.stringify(this.limits.futures)},"exchangeFilters":[],"assets":${JSON.stringify(assets)},"symbols":[${symbols.join(',')}]}`;
      this.futuresAll = { key, tpl: new ServerTimeTemplate(body) };
    }
    return this.futuresAll.tpl.render(now);
  }

  options(now: number, contracts: OptionContract[]): Buffer {
    if (this.optionsAll?.key !== contracts) {
      const symbols = contracts.map((c) => {
        let s = this.optionJson.get(c.symbol);
        if (s === undefined) this.optionJson.set(c.symbol, (s = optionSymbol(c)));
        return s;
      });
      const optionContracts = this.market.options.underlyings.map((u) => ({
        baseAsset: u.base,
        quoteAsset: 'USDT',
        underlying: u.underlying,
        settleAsset: 'USDT',
      }));
      const body = `{"timezone":"UTC","serverTime":0,"optionContracts":${JSON.stringify(optionContracts)},"optionAssets":[{"name":"USDT"}],"optionSymbols":[${symbols.join(',')}],"rateLimits":${JSON.stringify(this.limits.options)}}`;
      this.optionsAll = { key: contracts, tpl: new ServerTimeTemplate(body) };
    }
    return this.optionsAll.tpl.render(now);
  }
}
