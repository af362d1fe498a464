import { postgresDriver } from '../support/db.js';
import { signedTamperingSuite, tamperingSuite } from './tampering.js';

tamperingSuite(postgresDriver);
signedTamperingSuite(postgresDriver);
