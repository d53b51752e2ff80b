export { CaptureBase, STREAM_MODE_REST_SHARE, type CaptureBaseDeps, type CaptureIdentity } from './capture-base';
export { GapReporter, symbolsOfStreams, type GapSpan } from './gaps';
export { CapturePublisher, SEND_STALL_MS, type PublishOptions } from './publisher';
export { runCaptureService, type Capture, type CaptureDeps } from './run-capture';
export { retryUntilDone, runConcurrently } from './tasks';
export { StreamFeeds, type FeedOptions, type StreamFeedsOptions } from './stream-feeds';
export { Batcher } from './batcher';
export { KeyedThrottle } from './keyed-throttle';
