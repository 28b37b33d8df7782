import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveRejectedError, errnoCode, quoteName } from '../errors';
import type { ExtractedFile } from './tree-writer';
import { writeZip } from './zip-writer';

const PLUGINS_DIR = 'plugins';

/**
 * Cloudify 3.4 zips every sub-directory of a blueprint's `plugins/` folder to `plugins/<dir>.zip`
 * next to it, with entry names starting with `<dir>/` (agents install plugins from these zips).
 * `files` is what the extraction wrote; the zips are written beside it and returned.
 * @example await zipPluginFolders('/res/blueprints/bp1', files) // [{ path: 'plugins/p.zip', size: 812 }]
 */
export async function zipPluginFolders(blueprintDir: string, files: readonly ExtractedFile[]): Promise<ExtractedFile[]> {
  const pluginsDir = join(blueprintDir, PLUGINS_DIR);
  let folders: string[];
  try {
    folders = (await readdir(pluginsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const zips: ExtractedFile[] = [];
  for (const folder of folders.sort()) {
    const prefix = `${PLUGINS_DIR}/${folder}/`;
    const sources = files
      .filter((file) => file.path.startsWith(prefix))
      .map((file) => ({ name: `${folder}/${file.path.slice(prefix.length)}`, path: join(blueprintDir, ...file.path.split('/')) }));
    const zipPath = `${PLUGINS_DIR}/${folder}.zip`;
    const target = join(pluginsDir, `${folder}.zip`);
    try {
      await writeZip(target, sources);
    } catch (error) {
      if (errnoCode(error) !== 'EISDIR') throw error;
      throw new ArchiveRejectedError(`Blueprint archive entry ${quoteName(zipPath)} is a directory, but the plugin zip must go there`);
    }
    zips.push({ path: zipPath, size: (await stat(target)).size });
  }
  return zips;
}
