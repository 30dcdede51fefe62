/** Retries an assertion until it holds or `timeoutMs` passes (for what real processes and pages do on their own). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      return await assertion()
    } catch (error) {
      if (Date.now() > end) throw error
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  }
}
