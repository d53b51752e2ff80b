export { ConnectAttemptWindow, sharedConnectAttempts } from './connect-attempts';
export { StreamClient, type StreamClientOptions, type StreamClientStats } from './client';
export { DEFAULT_STREAM_LIMITS, resolveStreamLimits, type StreamLimits, type StreamProduct } from './limits';
export { type StreamMetrics, streamMetrics } from './metrics';
