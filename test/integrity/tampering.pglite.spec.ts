import { pgliteDriver } from '../support/db.js';
import { tamperingSuite } from './tampering.js';

tamperingSuite(pgliteDriver);
