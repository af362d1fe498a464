import type { ReactNode } from 'react';

/**
 * A table of records with a caption and a header row. Given a `region` name it scrolls sideways inside a
 * focusable, labelled region, so a wide table stays readable at 200% zoom and from the keyboard.
 */
export function Table({
  caption,
  columns,
  region,
  className,
  children,
}: {
  caption?: ReactNode;
  columns: readonly string[];
  region?: string;
  className?: string;
  children: ReactNode;
}) {
  const table = (
    <table className={className}>
      {caption === undefined ? null : <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return region ? (
    <div className="table-scroll" role="region" aria-label={`${region} table`} tabIndex={0}>
      {table}
    </div>
  ) : (
    table
  );
}
