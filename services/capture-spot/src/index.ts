export { SpotCapture, SPOT_SOURCE, type SpotCaptureDeps } from './capture';
export { CAPTURE_SPOT_CONFIG, type CaptureSpotConfig, type KlineSeries } from './config';
export * from './map';
