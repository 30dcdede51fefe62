import fc from 'fast-check'

/**
 * Property tests draw their cases from a fixed seed, so every run (and CI) tries the same cases and a failure
 * reproduces. `npm run test:properties` draws a new seed each run to explore further; the seed is in the failure.
 */
const FIXED_SEED = 20261130
const wanted = process.env.FC_SEED
const seed = wanted === 'random' ? Math.floor(Math.random() * 2 ** 31) : wanted ? Number(wanted) : FIXED_SEED
fc.configureGlobal({ seed })
