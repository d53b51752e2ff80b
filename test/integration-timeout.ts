// Integration tests wait on real brokers, group joins and registries: seconds, not milliseconds.
jest.setTimeout(60_000);
