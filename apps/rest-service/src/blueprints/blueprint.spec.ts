import { BLUEPRINT_V1, BLUEPRINT_V2, blueprintFields, renderBlueprint, type StoredBlueprint } from './blueprint';

const stored: StoredBlueprint = {
  id: 'bp1',
  plan: { nodes: [{ id: 'vm', number: 1 }] },
  description: null,
  main_file_name: 'app.yaml',
  created_at: '2016-08-02 11:39:24.813000',
  updated_at: '2016-08-02 11:39:24.813000',
  archive_file_name: 'bp1.tar.gz',
};

describe('blueprint rendering', () => {
  it('renders v2 fields in order, plan as stored, never the internal archive name', () => {
    const rendered = renderBlueprint(stored, BLUEPRINT_V2);
    expect(Object.keys(rendered)).toEqual(['id', 'plan', 'description', 'main_file_name', 'created_at', 'updated_at']);
    expect(rendered['plan']).toEqual({ nodes: [{ id: 'vm', number: 1 }] });
    expect(rendered['description']).toBeNull();
  });

  it('renders v1 without description and main_file_name', () => {
    expect(renderBlueprint(stored, BLUEPRINT_V1)).toEqual({ id: 'bp1', plan: stored.plan, created_at: stored.created_at, updated_at: stored.updated_at });
  });

  it('renders missing fields as null (the delete response)', () => {
    expect(renderBlueprint({ id: 'bp1' }, BLUEPRINT_V2)).toEqual({ id: 'bp1', plan: null, description: null, main_file_name: null, created_at: null, updated_at: null });
  });

  it('maps versions to their response types', () => {
    expect(blueprintFields('v1')).toBe(BLUEPRINT_V1);
    expect(blueprintFields('v2')).toBe(BLUEPRINT_V2);
    expect(blueprintFields('v2.1')).toBe(BLUEPRINT_V2);
  });
});
