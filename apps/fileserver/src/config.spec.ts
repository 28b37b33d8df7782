import { ConfigError } from '@cfy/config';
import { defaultResourcesRoot, loadFileserverConfig } from './config';
import { contentTypeFor } from './content-type';

describe('fileserver config', () => {
  it('has documented defaults', () => {
    const config = loadFileserverConfig({ HOME: '/home/cfy' });
    expect(config).toMatchObject({
      PORT: 53229,
      HOST: '0.0.0.0',
      RESOURCES_ROOT: '/home/cfy/.cache/cfy-stack/resources',
      MAX_ARCHIVE_BYTES: 512 * 1024 * 1024,
      MAX_EXTRACTED_BYTES: 1024 * 1024 * 1024,
      MAX_ARCHIVE_ENTRIES: 10_000,
      MAX_COMPRESSION_RATIO: 200,
    });
    expect(config.INTERNAL_TOKEN).toBeUndefined();
  });

  it('puts the default root under CFY_STACK_HOME when set', () => {
    expect(defaultResourcesRoot({ CFY_STACK_HOME: '/var/lib/cfy' })).toBe('/var/lib/cfy/resources');
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadFileserverConfig({ PORT: 'abc', RESOURCES_ROOT: 'relative/path', MAX_EXTRACTED_BYTES: String(3 * 1024 ** 3), MAX_ARCHIVE_ENTRIES: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['PORT', 'RESOURCES_ROOT', 'MAX_EXTRACTED_BYTES', 'MAX_ARCHIVE_ENTRIES']) expect(problems).toContain(`${key}:`);
  });

  it('reads INTERNAL_TOKEN from a file via INTERNAL_TOKEN_FILE', () => {
    const config = loadFileserverConfig({ HOME: '/h', INTERNAL_TOKEN_FILE: __filename });
    expect(config.INTERNAL_TOKEN).toContain('reads INTERNAL_TOKEN from a file');
  });
});

describe('content types', () => {
  it('matches the longest suffix, case-insensitively', () => {
    expect(contentTypeFor('BP.TAR.GZ')).toBe('application/gzip');
    expect(contentTypeFor('x.tar.bz2')).toBe('application/x-bzip2');
    expect(contentTypeFor('blueprint.yaml')).toBe('text/yaml; charset=utf-8');
    expect(contentTypeFor('agent.exe')).toBeUndefined();
  });
});
