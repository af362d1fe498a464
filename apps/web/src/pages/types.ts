/** The API's read models under the names the page uses, from the generated server types (npm run web:types). */
import type { AgreementAnswer, AlertView, BoardSummary, DecisionEntry } from '../generated/api-types';

export type {
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
  CollaborationOn as Collaboration,
  PartyDetail,
  PolicingBody,
  Register,
  RegisterRow,
} from '../generated/api-types';

/** GET /agreements/:id, now or as of a date (one shape): the detail, its membership periods and the replay. */
export type AgreementDetail = AgreementAnswer;
export type Alert = AlertView;
export type Board = BoardSummary;
export type Decision = DecisionEntry;
