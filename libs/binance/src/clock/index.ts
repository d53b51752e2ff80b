export { ExchangeClock, type ClockEstimate } from './exchange-clock';
