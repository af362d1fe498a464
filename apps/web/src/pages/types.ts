/** The API's read models under the names the page uses, from the generated server types (npm run web:types). */
import type { AgreementAnswer, AgreementAsOf, AlertView, BoardSummary, DecisionEntry } from '../generated/api-types';

export type {
  AgreementAsOf,
  AlertList,
  BoardAnswer,
  BoardList,
  CollaborationsAnswer,
  DecisionList,
  DevSignInOptions,
  DevTokenAnswer,
  IntegrityAnswer,
  BoardCompliance,
  BoardMeeting,
  Collaboration,
  PartyDetail,
  PolicingBody,
  Register,
  RegisterRow,
} from '../generated/api-types';

/** GET /agreements/:id without asOf/knownAt: the projected detail and its membership periods. */
export type AgreementDetail = Exclude<AgreementAnswer, AgreementAsOf>;
export type Alert = AlertView;
export type Board = BoardSummary;
export type Decision = DecisionEntry;
