import { applicationFileName } from './blueprints.http';

describe('application_file_name query', () => {
  it.each([
    ['application_file_name=blueprint.yaml', 'blueprint.yaml'],
    ['application_file_name=my%2520app.yaml', 'my app.yaml'],
    ['application_file_name=100%25.yaml', '100%.yaml'],
    ['application_file_name=bad%25zz.yaml', 'bad%zz.yaml'],
    ['', undefined],
  ])('reads %p as %p, unquoting once more as the 3.4 server did', (query, expected) => {
    expect(applicationFileName(new URLSearchParams(query))).toBe(expected);
  });
});
