import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Command } from 'commander';
import { z } from 'zod';
import { blueprintArchive, locateBlueprint } from './blueprint-archive';
import { validateBlueprint } from './blueprint-validation';
import { CliError } from './errors';
import { type Blueprint } from './rest-schemas';
import { parseOptions, type Session, withOutputOptions } from './session';
import { printTable, renderTable } from './tables';

/** `blueprints list` trims descriptions of this length or more to `limit - 2` chars + `..` (3.4). */
const DESCRIPTION_LIMIT = 20;

const idOptions = z.object({ blueprintId: z.string().min(1) });
const pathOptions = z.object({ blueprintPath: z.string().min(1) });
const uploadOptions = idOptions.extend({ blueprintPath: z.string().min(1), validate: z.boolean().default(false) });
const downloadOptions = idOptions.extend({ output: z.string().min(1).optional() });

const BLUEPRINT_ID_FLAGS = '-b, --blueprint-id <blueprint-id>';
const BLUEPRINT_PATH_FLAGS = '-p, --blueprint-path <blueprint-path>';

/** `cfy blueprints upload|list|get|delete|download|inputs|validate` (cli.md §2). */
export function registerBlueprintsCommands(program: Command, session: Session): void {
  const blueprints = program.command('blueprints').description('manage blueprints');

  withOutputOptions(
    blueprints
      .command('upload')
      .description("upload a blueprint: its folder is archived (tar.gz) and streamed to the manager")
      .requiredOption(BLUEPRINT_PATH_FLAGS, "path to the blueprint's main YAML file")
      .requiredOption(BLUEPRINT_ID_FLAGS, 'id of the new blueprint')
      .option('--validate', 'validate the blueprint locally before uploading it'),
  ).action(async (_options: unknown, command: Command) => {
    const options = parseOptions(uploadOptions, command.opts());
    const { client } = await session.manager();
    const output = session.output;
    const blueprint = await locateBlueprint(session.io.cwd, options.blueprintPath);
    if (options.validate) await validateBlueprint(output, session.io.cwd, options.blueprintPath, blueprint);
    output.info(`Uploading blueprint ${options.blueprintPath}...`);
    const archive = blueprintArchive(blueprint);
    const uploaded = await client.uploadBlueprint(options.blueprintId, archive, blueprint.fileName).catch((error: unknown) => {
      // fetch reports a failing body as a network failure; name the real culprit.
      if (archive.errored) throw new CliError(`Failed to archive ${blueprint.folder}: ${archive.errored.message}`, { cause: archive.errored });
      throw error;
    });
    output.info(`Blueprint uploaded. The blueprint's id is ${uploaded.id}`);
    output.data(uploaded);
  });

  withOutputOptions(blueprints.command('list').description('list the blueprints on the manager (--json: the list envelope)')).action(async () => {
    const { client } = await session.manager();
    const output = session.output;
    output.info('Listing all blueprints...');
    const list = await client.listBlueprints();
    output.data(list);
    const rows = list.items.map((blueprint) => ({ ...blueprint, description: trimDescription(blueprint.description) }));
    printTable(output, 'Available blueprints:', renderTable(['id', 'description', 'main_file_name', 'created_at', 'updated_at'], rows));
  });

  withOutputOptions(
    blueprints.command('get').description('show one blueprint and its deployments').requiredOption(BLUEPRINT_ID_FLAGS, 'id of the blueprint'),
  ).action(async (_options: unknown, command: Command) => {
    const { blueprintId } = parseOptions(idOptions, command.opts());
    const { client } = await session.manager();
    const output = session.output;
    output.info(`Retrieving blueprint ${blueprintId}...`);
    const blueprint = await client.getBlueprint(blueprintId);
    if (output.json) {
      output.data(blueprint);
      return;
    }
    const deployments = await client.listDeploymentIdsOfBlueprint(blueprintId);
    const row = { ...blueprint, '#deployments': deployments.items.length };
    printTable(output, 'Blueprint:', renderTable(['id', 'main_file_name', 'created_at', 'updated_at', '#deployments'], [row]));
    output.info('Description:');
    output.info(`${blueprint.description ?? ''}\n`);
    output.info('Existing deployments:');
    output.info(`${pythonJsonList(deployments.items.map((deployment) => deployment.id))}\n`);
  });

  withOutputOptions(
    blueprints.command('inputs').description("list a blueprint's inputs").requiredOption(BLUEPRINT_ID_FLAGS, 'id of the blueprint'),
  ).action(async (_options: unknown, command: Command) => {
    const { blueprintId } = parseOptions(idOptions, command.opts());
    const { client } = await session.manager();
    const output = session.output;
    output.info(`Retrieving inputs for blueprint ${blueprintId}...`);
    const blueprint = await client.getBlueprint(blueprintId);
    const inputs = blueprint.plan?.inputs ?? {};
    output.data(inputs);
    const rows = Object.entries(inputs).map(([name, input]) => ({
      name,
      type: 'type' in input ? input.type : '-',
      default: 'default' in input ? input.default : '-',
      description: 'description' in input ? input.description : '-',
    }));
    printTable(output, 'Inputs:', renderTable(['name', 'type', 'default', 'description'], rows));
  });

  withOutputOptions(
    blueprints.command('delete').description('delete a blueprint').requiredOption(BLUEPRINT_ID_FLAGS, 'id of the blueprint'),
  ).action(async (_options: unknown, command: Command) => {
    const { blueprintId } = parseOptions(idOptions, command.opts());
    const { client } = await session.manager();
    const output = session.output;
    output.info(`Deleting blueprint ${blueprintId}...`);
    const deleted = await client.deleteBlueprint(blueprintId);
    output.info('Blueprint deleted');
    output.data(deleted);
  });

  withOutputOptions(
    blueprints
      .command('download')
      .description("download a blueprint's archive")
      .requiredOption(BLUEPRINT_ID_FLAGS, 'id of the blueprint')
      .option('-o, --output <output>', "file (or existing folder) to write; default: the archive's name in the current folder"),
  ).action(async (_options: unknown, command: Command) => {
    const options = parseOptions(downloadOptions, command.opts());
    const { client } = await session.manager();
    const output = session.output;
    output.info(`Downloading blueprint ${options.blueprintId}...`);
    const download = await client.downloadBlueprint(options.blueprintId);
    const { path: target, shown } = await downloadTarget(session.io.cwd, options.output, download.filename).catch((error: unknown) => {
      download.body.destroy();
      throw error;
    });
    try {
      // 'wx': never overwrite an existing file (3.4 refuses too); a failed transfer leaves no partial file.
      await pipeline(download.body, createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`Output file '${shown}' already exists`);
      await rm(target, { force: true });
      throw new CliError(`Downloading blueprint ${options.blueprintId} failed: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    output.info(`Blueprint downloaded as ${shown}`);
    output.data({ blueprint_id: options.blueprintId, output_file: target });
  });

  withOutputOptions(
    blueprints
      .command('validate')
      .description('validate a blueprint locally, without a manager (--json: print the parsed plan)')
      .requiredOption(BLUEPRINT_PATH_FLAGS, "path to the blueprint's main YAML file"),
  ).action(async (_options: unknown, command: Command) => {
    const { blueprintPath } = parseOptions(pathOptions, command.opts());
    const blueprint = await locateBlueprint(session.io.cwd, blueprintPath);
    const plan = await validateBlueprint(session.output, session.io.cwd, blueprintPath, blueprint);
    session.output.data(plan);
  });
}

function trimDescription(description: Blueprint['description']): string {
  if (description === null || description === undefined) return '';
  return description.length >= DESCRIPTION_LIMIT ? `${description.slice(0, DESCRIPTION_LIMIT - 2)}..` : description;
}

/** Python's `json.dumps(list_of_strings)`: `["a", "b"]`. */
function pythonJsonList(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

/** Where a download goes: `path` to write, `shown` as the user named it (3.4 prints that). */
async function downloadTarget(cwd: string, requested: string | undefined, suggested: string | null): Promise<{ path: string; shown: string }> {
  if (requested !== undefined) {
    const path = resolve(cwd, requested);
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) return { path, shown: requested };
    if (suggested === null) throw new CliError(`Cannot name the file in ${requested}: the manager sent no Content-Disposition file name`);
    return { path: join(path, suggested), shown: join(requested, suggested) };
  }
  if (suggested === null) throw new CliError('Cannot determine the archive file name: the manager sent no Content-Disposition header; use -o');
  return { path: resolve(cwd, suggested), shown: suggested };
}
