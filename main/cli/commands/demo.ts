// `ddl-lab demo`: the headless main job. Filled in by the runs issue.
export async function run(_args: string[]): Promise<number> {
  process.stdout.write('ddl-lab demo: not yet available (the training runs land in a later release).\n');
  return 0;
}
