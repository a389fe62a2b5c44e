import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { icnsTypes, readIcns, readIco } from '../../scripts/icon-containers.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// electron-builder.yml through electron-builder's own loader and schema validation (offline), what
// each target it lists needs (the .deb's homepage and maintainer, the icons), a files list that
// covers every path the main process loads, and the icon set decoded back from its containers.

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

async function loadConfig() {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(dir: string, file: string | null, options: null): Promise<Record<string, any>>;
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(projectRoot, join(projectRoot, 'electron-builder.yml'), null);
  const validate = (c: unknown = config) => validateConfiguration(c, new DebugLogger(false));
  return { config, validate };
}

async function pngSize(png: Buffer): Promise<[number, number]> {
  const meta = await sharp(png).metadata();
  expect(meta.format).toBe('png');
  return [meta.width!, meta.height!];
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own validation", async () => {
    const { config, validate } = await loadConfig();
    await expect(validate()).resolves.toBeUndefined();
    // The validation is real: a misspelt option fails it.
    await expect(validate({ ...config, linux: { ...config.linux, maintainr: 'x' } })).rejects.toThrow(
      /Invalid configuration object[\s\S]*linux/,
    );
  });

  it('gives every listed target what it needs: deb a homepage and maintainer, each platform its icon', async () => {
    const { config } = await loadConfig();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.extraMetadata.homepage).toMatch(/^https:\/\//);
    expect(config.linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon])
      expect(existsSync(join(projectRoot, icon)), icon).toBe(true);
    // buildResources is left out of the app by electron-builder: it must not hold what the app loads.
    expect(config.directories.buildResources).not.toBe('resources');
  });

  it('packs every file the main process loads', async () => {
    const { config } = await loadConfig();
    // The glob library electron-builder's file matcher is built on (minimatch 3: the module is the function).
    const minimatch = require('minimatch') as (path: string, pattern: string) => boolean;
    process.env.FAKE_ELECTRON_APP_PATH = projectRoot;
    const { desktopPaths } = await import('./paths.js');
    const paths = desktopPaths();
    const loaded = [
      paths.preload,
      paths.runWorker,
      paths.evalWorker,
      join(paths.renderer, 'index.html'),
      paths.icon,
      join(projectRoot, 'native', 'electron', 'better_sqlite3.node'),
    ].map((p) => relative(projectRoot, p));
    const yaml = require('js-yaml') as { load(text: string): { files: string[] } };
    const patterns = yaml.load(readFileSync(join(projectRoot, 'electron-builder.yml'), 'utf8')).files;
    expect(config.files).toBeDefined();
    for (const file of loaded) {
      const included = patterns.some((p) => !p.startsWith('!') && minimatch(file, p));
      const excluded = patterns.some((p) => p.startsWith('!') && minimatch(file, p.slice(1)));
      expect(included && !excluded, file).toBe(true);
    }
    expect(existsSync(paths.icon)).toBe(true);
  });
});

describe('the icon set in resources/', () => {
  const resources = join(projectRoot, 'resources');

  it('has a PNG of each size, rendered from icon.svg', async () => {
    expect(readFileSync(join(resources, 'icon.svg'), 'utf8')).toContain('<svg');
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024])
      expect(await pngSize(readFileSync(join(resources, 'icons', `${size}x${size}.png`)))).toEqual([size, size]);
    expect(await pngSize(readFileSync(join(resources, 'icon.png')))).toEqual([1024, 1024]);
  });

  it('icon.ico decodes back to PNGs of its declared sizes, 256 px included', async () => {
    const images = readIco(readFileSync(join(resources, 'icon.ico')));
    expect(images.map((i) => i.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const image of images) expect(await pngSize(image.png)).toEqual([image.size, image.size]);
    expect(images.at(-1)!.png.equals(readFileSync(join(resources, 'icons', '256x256.png')))).toBe(true);
  });

  it('icon.icns decodes back to the PNG each element type stands for', async () => {
    const elements = readIcns(readFileSync(join(resources, 'icon.icns')));
    expect(elements.map((e) => e.type)).toEqual(icnsTypes.map((t) => t.type));
    for (const element of elements) {
      const { size } = icnsTypes.find((t) => t.type === element.type)!;
      expect(await pngSize(element.png), element.type).toEqual([size, size]);
    }
  });
});
