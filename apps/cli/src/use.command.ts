import { type Command } from 'commander';
import { z } from 'zod';
import { CliError } from './errors';
import { DEFAULT_REST_PORT, managerTarget, parseManagerAddress, parsePort } from './manager';
import { ManagerConnectionError, ManagerHttpError, UnexpectedResponseError } from './rest-errors';
import { parseOptions, type Session, withOutputOptions } from './session';
import { updateSettings } from './working-dir';

const useOptionsSchema = z.object({
  managementIp: z.string(),
  port: z.string().optional(),
});

/** `cfy use -t <host[:port]> [--port 80]` (cli.md §1). */
export function registerUseCommand(program: Command, session: Session): void {
  withOutputOptions(
    program
      .command('use')
      .description('use a running manager: check it answers, then remember it in .cloudify/')
      .requiredOption('-t, --management-ip <host[:port]>', 'the manager host (IP or name), optionally with :port')
      .option('--port <port>', `the manager's REST port (443 means HTTPS) (default: ${DEFAULT_REST_PORT})`),
  ).action(async (_options: unknown, command: Command) => {
    const options = parseOptions(useOptionsSchema, command.opts());
    const explicitPort = options.port === undefined ? DEFAULT_REST_PORT : parsePort(options.port, `argument --port: invalid port '${options.port}'`);
    const { host, port } = parseManagerAddress(options.managementIp, explicitPort, options.port !== undefined);
    await useManager(session, host, port);
  });
}

async function useManager(session: Session, host: string, port: number): Promise<void> {
  const target = managerTarget(host, port);
  const client = session.clientFor(target);
  try {
    await client.getStatus();
  } catch (error) {
    if (error instanceof ManagerHttpError) throw new CliError(`Can't use manager ${host}: ${error.describe()}`, { retryable: error.retryable, cause: error });
    if (error instanceof ManagerConnectionError || error instanceof UnexpectedResponseError) {
      throw new CliError(`Can't use manager ${host}: ${error.message}`, { retryable: error.retryable, cause: error });
    }
    throw error;
  }
  // 3.4 caches the provider context and carries on without one when the manager has none.
  const providerContext = await client.getProviderContext().then(
    (response) => response.context,
    (error: unknown) => {
      if (error instanceof ManagerHttpError || error instanceof UnexpectedResponseError) return null;
      throw error;
    },
  );
  const { settings } = await updateSettings(session.io.cwd, {
    management_server: host,
    rest_port: port,
    rest_protocol: target.protocol,
    provider_context: providerContext,
  });
  session.output.info(`Using manager ${host} with port ${port}`);
  session.output.data(settings);
}
