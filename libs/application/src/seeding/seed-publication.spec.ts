import { describe, expect, it } from '@jest/globals';
import { parseSeedFile, SeedFileError } from './seed-file.js';
import { seedPublicationOf } from './seed-publication.js';

const file = (sources: object[], parties: string[], cites: string[]) =>
  parseSeedFile(
    {
      sources,
      bodies: [],
      agreements: [
        {
          id: 'a',
          title: 'A',
          sources: cites,
          legalBasis: 's22A',
          businessArea: 'dogs',
          deliveryModel: 'joint-unit',
          parties,
          inForceFrom: '2015-04-01',
        },
        // Names gwent as a party of the file, so a source may say gwent published it.
        {
          id: 'b',
          title: 'B',
          sources: cites,
          legalBasis: 's22A',
          businessArea: 'cats',
          deliveryModel: 'joint-unit',
          parties: ['gwent', 'south-wales'],
          inForceFrom: '2015-04-01',
        },
      ],
    },
    'test.json',
  );
const register = { id: '000', file: 'f', title: 'Our Collaborations', date: '2017-08-24', publishedBy: 'gwent' };
const report = { id: '003', file: 'f', title: 'Panel report', date: '2016-10-21', publishedBy: 'thames-valley' };

describe('s23E publication of a seed agreement', () => {
  it('is published by the publisher of its source, on its date, with its title as the reference', () => {
    const seed = file([report], ['hampshire', 'thames-valley'], ['003']);
    const choice = seedPublicationOf(seed, seed.agreements[0]!);
    expect(choice.publication).toEqual({
      agreementId: 'a',
      publishedBy: 'thames-valley',
      publishedOn: '2016-10-21',
      reference: 'Panel report',
      occurredAt: '2016-10-21',
    });
    expect(choice.assumption).toMatch(
      /^Published \(s23E\) by thames-valley on 2016-10-21: source 003 \("Panel report"\)/,
    );
  });

  it('passes over a source whose publisher is not a party, and says so', () => {
    const seed = file([register, report], ['hampshire', 'thames-valley'], ['000', '003']);
    const choice = seedPublicationOf(seed, seed.agreements[0]!);
    expect(choice.publication).toMatchObject({ publishedBy: 'thames-valley', publishedOn: '2016-10-21' });
    expect(choice.assumption).toContain('passing over source 000: gwent is not a party');
  });

  it('is not published when no source is published by a party, or none names a publisher', () => {
    const seed = file([register], ['hampshire', 'thames-valley'], ['000']);
    expect(seedPublicationOf(seed, seed.agreements[0]!)).toEqual({
      publication: null,
      assumption: expect.stringMatching(/^Not recorded as published \(s23E\): no dated source .*000 by gwent/),
    });
    const silent = file([{ ...register, publishedBy: null }], ['hampshire', 'thames-valley'], ['000']);
    expect(seedPublicationOf(silent, silent.agreements[0]!).publication).toBeNull();
  });

  it('the seed file refuses a publisher that is no body of the file', () => {
    expect(() => file([{ ...register, publishedBy: 'nobody' }], ['hampshire', 'thames-valley'], ['000'])).toThrow(
      SeedFileError,
    );
    expect(() => file([{ ...register, publishedBy: 'nobody' }], ['hampshire', 'thames-valley'], ['000'])).toThrow(
      /sources\[0\]\.publishedBy \("nobody"\) must be the id of a body of the file/,
    );
  });
});
