import { BadParametersError, ConflictError, ERROR_HTTP_STATUS, ManagerError, NotFoundError, isErrorCode } from './errors';

describe('manager errors', () => {
  it('renders the reference not-found message and status', () => {
    const error = new NotFoundError('blueprint', 'bp1');
    expect(error.toBody()).toEqual({ message: 'blueprint bp1 not found', error_code: 'not_found_error' });
    expect(error.httpStatus).toBe(404);
  });

  it.each([
    [new BadParametersError('x'), 400, 'bad_parameters_error'],
    [new ConflictError('x'), 409, 'conflict_error'],
    [new ManagerError('unsupported_content_type_error', 'x'), 415, 'unsupported_content_type_error'],
    [new ManagerError('maintenance_mode_active', 'x'), 503, 'maintenance_mode_active'],
  ])('maps %s to HTTP %i', (error, status, code) => {
    expect(error.httpStatus).toBe(status);
    expect(error.errorCode).toBe(code);
  });

  it('knows every code of the reference table and nothing else', () => {
    expect(isErrorCode('invalid_exception_status_update')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(Object.values(ERROR_HTTP_STATUS).every((status) => status >= 400 && status < 600)).toBe(true);
  });
});
