import { pgliteDriver } from '../support/db.js';
import { signedTamperingSuite, tamperingSuite } from './tampering.js';

tamperingSuite(pgliteDriver);
signedTamperingSuite(pgliteDriver);
