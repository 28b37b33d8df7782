import { type Command } from 'commander';
import { CliError } from './errors';
import { ManagerHttpError } from './rest-errors';
import { type MaintenanceMode, type ManagerStatus } from './rest-schemas';
import { type Session, withOutputOptions } from './session';
import { printTable, renderTable } from './tables';

/** Width 3.4 pads service names to (`display_name.ljust(30)`). */
const SERVICE_NAME_WIDTH = 30;

/** `cfy status`: `GET /status` + `GET /maintenance` → service table (cli.md §2). */
export function registerStatusCommand(program: Command, session: Session): void {
  withOutputOptions(program.command('status').description("show the manager's services and maintenance mode")).action(async () => {
    const { target, client } = await session.manager();
    const output = session.output;
    output.info(`Retrieving manager services status... [ip=${target.host}]`);
    let status: ManagerStatus;
    let maintenance: MaintenanceMode | null;
    try {
      status = await client.getStatus();
      maintenance = await client.getMaintenanceMode();
    } catch (error) {
      if (!(error instanceof ManagerHttpError)) throw error;
      const message =
        error.status === 401
          ? 'Failed to query manager service status: User is unauthorized'
          : `REST service at manager ${target.host} is not responding!`;
      throw new CliError(output.verbosity > 0 ? `${message}\n${error.describe()}` : message, { retryable: error.retryable, cause: error });
    }
    output.data(status);
    const rows = status.services.map((service) => ({
      service: service.display_name.padEnd(SERVICE_NAME_WIDTH),
      status: service.instances?.[0]?.state ?? 'unknown',
    }));
    printTable(output, 'Services:', renderTable(['service', 'status'], rows));
    if (maintenance !== null && maintenance.status !== 'deactivated') output.info(`Maintenance mode is ${maintenance.status}.\n`);
  });
}
