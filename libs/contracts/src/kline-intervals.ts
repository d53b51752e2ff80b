/**
 * Binance kline intervals of fixed length (SpotKline.interval), with that length in ms. (Binance's
 * `1M` is a calendar month and `1s`/`3d`/`1w` are not used by marketpipe.)
 */
export const KLINE_INTERVAL_MS = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
} as const;

export type KlineInterval = keyof typeof KLINE_INTERVAL_MS;

export function isKlineInterval(value: string): value is KlineInterval {
  return Object.hasOwn(KLINE_INTERVAL_MS, value);
}
