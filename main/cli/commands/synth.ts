// `ddl-lab synth --preset P --identities N --per-identity M --size S --out DIR [--seed K] [--json]`:
// writes a SynthFaces dataset and prints a summary. The work is in app/data/synth.
import { resolve } from 'node:path';
import {
  type HardRule,
  type SynthManifest,
  SynthOptionsError,
  generateSynthFaces,
  pairTypes,
  presetNames,
} from '../../../app/data/synth/index.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const fail = commandFailure('synth');

const usage = `Usage: ddl-lab synth --preset ${presetNames.join('|')} --identities N --per-identity M --size S --out DIR
                     [--seed K] [--json]

Writes DIR/<identity>/<image>.jpg, DIR/attributes.csv, DIR/pairs.csv, DIR/split-rule.json and
DIR/synthfaces.json. DIR must not exist or be empty. Same seed, same bytes.
  --preset        pose (hard: |yaw| >= 45), resolution (hard: captured at <= 1/4 size),
                  mixed (either, or dark light)
  --identities    number of people (2..100000)
  --per-identity  images per person (3..10000; at least 1 hard and 2 easy each)
  --size          image side in pixels (16..1024), e.g. 250 or 64
  --seed          32-bit unsigned integer (default 1)
  --json          print the manifest plus timing as JSON on stdout
`;

// Option names as the command line spells them, for the generator's messages.
const flagNames: [RegExp, string][] = [
  [/\bperIdentity\b/g, '--per-identity'],
  [/\bidentities\b/g, '--identities'],
  [/\bsize\b/g, '--size'],
  [/\bseed\b/g, '--seed'],
  [/\boutDir\b/g, '--out'],
  [/\bpreset\b/g, '--preset'],
];

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        preset: { type: 'string' },
        identities: { type: 'string' },
        'per-identity': { type: 'string' },
        size: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const missing = ['preset', 'identities', 'per-identity', 'size', 'out'].filter(
    (name) => values[name as keyof typeof values] === undefined,
  );
  if (missing.length > 0) return fail(`missing ${missing.map((m) => `--${m}`).join(', ')}.\n\n${usage}`, 2);
  const numbers: Record<string, number> = {};
  for (const name of ['identities', 'per-identity', 'size', 'seed'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    if (!/^\d+$/.test(text.trim())) return fail(`--${name} must be a whole number, got "${text}".`, 2);
    numbers[name] = Number(text);
  }

  const outDir = resolve(values.out!);
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  const showProgress = !values.json && process.stderr.isTTY;
  let lastShown = 0;
  const started = performance.now();
  let manifest: SynthManifest;
  try {
    manifest = await generateSynthFaces({
      outDir,
      preset: values.preset as SynthManifest['preset'],
      identities: numbers.identities!,
      perIdentity: numbers['per-identity']!,
      size: numbers.size!,
      ...(numbers.seed !== undefined ? { seed: numbers.seed } : {}),
      signal: controller.signal,
      onProgress: (done, total) => {
        if (!showProgress || (done < total && performance.now() - lastShown < 250)) return;
        lastShown = performance.now();
        process.stderr.write(`\rSynthFaces: ${done}/${total} images${done === total ? '\n' : ''}`);
      },
    });
  } catch (error) {
    if (showProgress) process.stderr.write('\n');
    if (error instanceof SynthOptionsError) {
      return fail(
        flagNames.reduce((message, [pattern, flag]) => message.replace(pattern, flag), error.problems.join('; ')),
        2,
      );
    }
    if (controller.signal.aborted) return fail((error as Error).message, 130);
    return fail((error as Error).message, 1);
  } finally {
    process.removeListener('SIGINT', cancel);
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ outDir, ...manifest, seconds: round(seconds, 3), imagesPerSecond: round(manifest.images / seconds, 1) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(summary(outDir, manifest, seconds));
  }
  return 0;
}

function describeRule(rule: HardRule): string {
  const [join, conditions] = 'any' in rule ? [' or ', rule.any] : [' and ', rule.all];
  return conditions.map((c) => `${c.attribute} ${c.op} ${c.value}`).join(join);
}

function summary(outDir: string, m: SynthManifest, seconds: number): string {
  const pairs = pairTypes.map((t) => `${t} ${m.pairs[t].genuine}+${m.pairs[t].impostor}`).join(', ');
  return [
    `SynthFaces ${m.preset} (seed ${m.seed}): ${m.images} images of ${m.identities} identities, ${m.size}x${m.size} px, in ${seconds.toFixed(1)} s (${(m.images / seconds).toFixed(0)} images/s)`,
    `  easy ${m.easy}, hard ${m.hard} (hard: ${describeRule(m.hardRule)}); identities usable for DDL: ${m.identitiesUsableForDdl}`,
    `  pairs (genuine+impostor): ${pairs}`,
    `  written to ${outDir}: <identity>/<image>.jpg, ${m.files.attributes}, ${m.files.pairs}, ${m.files.splitRule}, synthfaces.json`,
    '',
  ].join('\n');
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
