import type { Config } from 'jest';

// Tests import the libraries from their sources, so `pnpm test` needs no build step first.
const moduleNameMapper = {
  '^@marketpipe/(capture-spot|capture-futures|capture-options|quantum|psych|srona|consolidator)$':
    '<rootDir>/services/$1/src',
  '^@marketpipe/cli$': '<rootDir>/cli/src',
  '^@marketpipe/([a-z-]+)$': '<rootDir>/libs/$1/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] as [string, Record<string, unknown>],
};

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{libs,services}/*/test/**/*.test.ts',
        '<rootDir>/{test,embedded/test,cli/test}/**/*.test.ts',
      ],
      testEnvironment: 'node',
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'integration',
      // Unit tests need nothing; integration tests need the real Kafka, registry and Redis that
      // this setup brings up (or finds, when KAFKA_BROKERS etc. are set).
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      testMatch: [
        '<rootDir>/{libs,services}/*/test/**/*.itest.ts',
        '<rootDir>/{test,embedded/test,cli/test}/**/*.itest.ts',
      ],
      testEnvironment: 'node',
      moduleNameMapper,
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/integration-timeout.ts'],
    },
  ],
};

export default config;
