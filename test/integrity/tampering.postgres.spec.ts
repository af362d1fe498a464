import { postgresDriver } from '../support/db.js';
import { tamperingSuite } from './tampering.js';

tamperingSuite(postgresDriver);
