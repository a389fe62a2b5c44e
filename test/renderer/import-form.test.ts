import { describe, expect, it } from 'vitest';
import { labApiMethods } from '../../app/api/contract/index.js';
import { emptyImportForm, importCacheChoices, importParams } from '../../renderer/src/lib/import-form.js';

// The Import form's parameters, checked against the contract the service validates with.
const schema = labApiMethods['datasets.import'].params;

describe('import form', () => {
  it('sends the folder and the raw pixel cache by default, leaving empty optional fields out', () => {
    const params = importParams({ ...emptyImportForm, path: ' /data/faces ' });
    expect(params).toEqual({ path: '/data/faces', cache: 'raw' });
    expect(schema.parse(params)).toEqual(params);
  });

  it('sends the png pixel cache when chosen, with the other fields trimmed', () => {
    const params = importParams({
      path: '/data/faces',
      name: ' lfw ',
      attributesFile: '',
      pairsFile: '/data/pairs.txt',
      faces: 'detect',
      cache: 'png',
    });
    expect(params).toEqual({
      path: '/data/faces',
      name: 'lfw',
      pairsFile: '/data/pairs.txt',
      faces: 'detect',
      cache: 'png',
    });
    expect(schema.parse(params)).toEqual(params);
  });

  it('offers exactly the cache formats the contract (and the command line’s --cache) accepts', () => {
    expect(importCacheChoices.map((c) => c.value)).toEqual(schema.shape.cache.unwrap().options);
    expect(importCacheChoices.map((c) => c.label)).toEqual(['raw (fastest)', 'png (≈half the disk)']);
  });
});
