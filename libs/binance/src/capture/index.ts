export { CaptureBase, type CaptureBaseDeps } from './capture-base';
export { CapturePublisher, type PublishOptions } from './publisher';
export { runCaptureService, type Capture, type CaptureDeps } from './run-capture';
export { retryUntilDone, runConcurrently } from './tasks';
