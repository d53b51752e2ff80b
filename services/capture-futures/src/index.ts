export { FuturesCapture, FUTURES_SOURCE, type FuturesCaptureDeps } from './capture';
export { CAPTURE_FUTURES_CONFIG, type CaptureFuturesConfig } from './config';
export * from './map';
