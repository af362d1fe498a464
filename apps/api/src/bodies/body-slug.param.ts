import type { PipeTransform } from '@nestjs/common';
import { isBodySlug } from '#domain';
import { RequestValidationError } from '#platform';

/** Validates a body slug in the path, answering 400 naming the parameter. */
export class BodySlugParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isBodySlug(value)) {
      throw new RequestValidationError(
        [{ field: 'id', rule: 'isSlug', message: 'id must be a body slug such as thames-valley.' }],
        'path',
      );
    }
    return value;
  }
}
