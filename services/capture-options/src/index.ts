export { OptionsCapture, OPTIONS_SOURCE, type OptionsCaptureDeps } from './capture';
export { CAPTURE_OPTIONS_CONFIG, type CaptureOptionsConfig } from './config';
export * from './map';
