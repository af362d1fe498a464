import { describe, expect, it } from '@jest/globals';
import { mapPersonalFields, personalFieldsOf } from './personal-fields.js';

const mark = (value: unknown, path: string): unknown => `<${path}:${String(value)}>`;

describe('personal fields table', () => {
  it('replaces a top-level personal field and leaves the others as they are', () => {
    const data = { agreementId: 'a1', party: 'p1', signedBy: 'Jane Smith' };
    expect(mapPersonalFields('AgreementSigned', data, mark)).toEqual({
      agreementId: 'a1',
      party: 'p1',
      signedBy: '<signedBy:Jane Smith>',
    });
    expect(data.signedBy).toBe('Jane Smith');
  });

  it('steps into every element of an array', () => {
    const data = {
      boardId: 'b1',
      attendees: [
        { name: 'A Person', body: 'force-1' },
        { name: 'B Person', body: 'force-2' },
      ],
    };
    expect(mapPersonalFields('BoardMeetingHeld', data, mark)).toEqual({
      boardId: 'b1',
      attendees: [
        { name: '<attendees[0].name:A Person>', body: 'force-1' },
        { name: '<attendees[1].name:B Person>', body: 'force-2' },
      ],
    });
  });

  it('leaves absent, null and misshapen fields, and types without personal fields, unchanged', () => {
    expect(mapPersonalFields('AgreementSigned', { party: 'p1' }, mark)).toEqual({ party: 'p1' });
    expect(mapPersonalFields('AgreementSigned', { signedBy: null }, mark)).toEqual({ signedBy: null });
    expect(mapPersonalFields('BoardMeetingHeld', { attendees: 'none' }, mark)).toEqual({ attendees: 'none' });
    expect(mapPersonalFields('AgreementDrafted', { signedBy: 'x' }, mark)).toEqual({ signedBy: 'x' });
    expect(personalFieldsOf('AgreementDrafted')).toEqual([]);
  });
});
