import { hasRole, type Principal } from '#platform';

/*
 * Who may write what: a pure function of the principal and what the write touches, as the event
 * store says it is now (WriteAccess looks that up). No I/O here, so every cell of the matrix is a
 * unit test (write-policy.spec.ts) as well as an HTTP test (test/security/authorisation-matrix.spec.ts).
 *
 *   admin    writes everything, and is the only role that registers bodies and establishes boards.
 *   officer  writes facts about agreements their force is a party to (current or drafted, not
 *            former), the boards overseeing any such agreement, decisions on them and alerts about
 *            them; drafts agreements only with their force among the parties.
 *   auditor  writes nothing.
 *
 * A target that is not recorded (no such agreement, board or alert) is not refused here: the
 * command then fails in the domain with 404, and no route below creates the stream it names, so
 * letting it through writes nothing. (Drafting is the one creation, and it is checked on the
 * parties it names.)
 */

/** An agreement and the bodies that are its parties now. */
export interface AgreementParties {
  agreementId: string;
  parties: readonly string[];
}

export type WriteTarget =
  | { kind: 'admin-only'; action: string }
  | { kind: 'new-agreement'; agreementId: string; parties: readonly string[] }
  | { kind: 'agreement'; agreementId: string; agreement: AgreementParties | null }
  | { kind: 'board'; boardId: string; agreements: readonly AgreementParties[] | null }
  | {
      kind: 'decision';
      /** The board named by the decision, with the agreements it oversees; null when none is named or recorded. */
      board: { boardId: string; agreements: readonly AgreementParties[] } | null;
      agreement: AgreementParties | null;
    }
  | {
      kind: 'alert';
      alertId: string;
      subject: { party: string | null; agreements: readonly AgreementParties[] } | null;
    };

export type WriteDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: WriteDecision = { allowed: true };
const deny = (reason: string): WriteDecision => ({ allowed: false, reason });

/** The principal's force, for messages: its name when known (`Gwent Police`), else its slug. */
export type ForceName = (slug: string) => string;

export function decideWrite(principal: Principal, target: WriteTarget, nameOf: ForceName = (s) => s): WriteDecision {
  if (hasRole(principal, 'admin')) return ALLOWED;
  if (!hasRole(principal, 'officer')) {
    return hasRole(principal, 'auditor')
      ? deny('Auditors read and verify the record; they cannot change it.')
      : deny('Your token grants no role of this service (officer, auditor or admin).');
  }
  const force = principal.force as string;
  const name = nameOf(force);
  const isParty = (agreements: readonly AgreementParties[]): boolean =>
    agreements.some((a) => a.parties.includes(force));
  const onlyTheirs = `Officers of ${name} can only record facts about agreements ${name} is a party to`;

  switch (target.kind) {
    case 'admin-only':
      return deny(`Only an administrator can ${target.action}.`);
    case 'new-agreement':
      return target.parties.includes(force)
        ? ALLOWED
        : deny(
            `Officers of ${name} can only draft agreements ${name} is a party to: add ${force} to the parties or ask an administrator.`,
          );
    case 'agreement':
      if (target.agreement === null || isParty([target.agreement])) return ALLOWED;
      return deny(`${onlyTheirs}, and ${name} is not a party to agreement "${target.agreementId}".`);
    case 'board':
      if (target.agreements === null || isParty(target.agreements)) return ALLOWED;
      return deny(
        `${onlyTheirs} and the boards overseeing them, and ${name} is a party to none of the agreements board "${target.boardId}" oversees.`,
      );
    case 'decision': {
      // A decision names a board, an agreement or both: each one named must be the officer's.
      if (target.board !== null && !isParty(target.board.agreements)) {
        return deny(
          `${onlyTheirs} and the boards overseeing them, and ${name} is a party to none of the agreements board "${target.board.boardId}" oversees.`,
        );
      }
      if (target.agreement !== null && !isParty([target.agreement])) {
        return deny(`${onlyTheirs}, and ${name} is not a party to agreement "${target.agreement.agreementId}".`);
      }
      return ALLOWED;
    }
    case 'alert':
      if (target.subject === null || target.subject.party === force || isParty(target.subject.agreements))
        return ALLOWED;
      return deny(
        `Officers of ${name} can only acknowledge alerts about agreements ${name} is a party to (or their boards), and alert "${target.alertId}" is not one.`,
      );
    default: {
      const _exhaustive: never = target;
      return _exhaustive;
    }
  }
}

/** Reads are open to every role of the service; a token with none of them reads nothing. */
export function decideRead(principal: Principal): WriteDecision {
  return principal.roles.length > 0
    ? ALLOWED
    : deny('Your token grants no role of this service (officer, auditor or admin).');
}
