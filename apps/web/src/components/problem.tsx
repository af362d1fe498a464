import type { Problem } from '../api';

/** An API problem, said plainly: its title and the API's own detail. */
export function ProblemMessage({ problem, heading }: { problem: Problem; heading?: string }) {
  return (
    <div className="problem" role="alert">
      <p className="problem-title">
        <strong>{heading ?? problem.title}</strong>
        {problem.status ? <span className="problem-status"> (HTTP {problem.status})</span> : null}
      </p>
      <p>{problem.detail}</p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}
