/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/credential-guard.ts', '<rootDir>/test/setup/property-seed.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 20000,
  maxWorkers: 2
}
