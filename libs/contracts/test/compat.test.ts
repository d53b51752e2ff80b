import { explainIncompatibility } from '../src/compat';

const v1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'marketpipe.test',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'b', type: 'int' },
  ],
};

describe('explainIncompatibility', () => {
  it('finds nothing wrong with an added optional field under FULL_TRANSITIVE', () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'c', type: ['null', 'double'], default: null }] };
    expect(explainIncompatibility(v1, v2, 'FULL_TRANSITIVE')).toEqual([]);
  });

  it('names a field added without a default', () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'c', type: 'double' }] };
    expect(explainIncompatibility(v1, v2, 'BACKWARD')).toEqual([
      'field "c" was added without a default, so data written with the previous version cannot be read',
    ]);
  });

  it('names a removed required field when old readers must keep working', () => {
    const v2 = { ...v1, fields: [v1.fields[0]] };
    expect(explainIncompatibility(v1, v2, 'FULL')).toEqual([
      'field "b" was removed, but readers of the previous version need it (it has no default there)',
    ]);
    // Under plain BACKWARD a removal is legal Avro evolution: new readers skip the old field.
    expect(explainIncompatibility(v1, v2, 'BACKWARD')).toEqual([]);
  });

  it('names a field whose type changed', () => {
    const v2 = { ...v1, fields: [v1.fields[0], { name: 'b', type: 'string' }] };
    expect(explainIncompatibility(v1, v2, 'BACKWARD')).toEqual(['field "b": type changed from int to string']);
  });

  it('accepts a numeric promotion for new readers but not for old ones', () => {
    const v2 = { ...v1, fields: [v1.fields[0], { name: 'b', type: 'long' }] };
    expect(explainIncompatibility(v1, v2, 'BACKWARD')).toEqual([]);
    expect(explainIncompatibility(v1, v2, 'FORWARD')).toEqual([
      'field "b": type changed from long to int (previous readers cannot read new data)',
    ]);
  });

  it('names nested fields by path', () => {
    const nest = (t: string) => ({
      type: 'record',
      name: 'Outer',
      fields: [{ name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: t }] } }],
    });
    expect(explainIncompatibility(nest('double'), nest('string'), 'FULL')[0]).toBe(
      'field "inner.x": type changed from double to string',
    );
  });
});
