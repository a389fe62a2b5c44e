// Runs task(0..count-1) with at most `concurrency` in flight (sharp renders on its own threads, so a
// few tasks in flight keep them busy without piling up decoded images). The first error stops new work.
export async function mapPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
