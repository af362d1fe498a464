import { userInfo } from 'node:os';
import { erasePerson } from '#application';
import { actorText, createEventStore } from '#event-store';
import { personalDataSecretOf } from '#platform';
import { UsageError, defineCommand } from './cli-command.js';

function localUser(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

/**
 * Erases a person's name (docs/security.md, "Erasure"): destroys their key, appends PersonErased to
 * the `people` stream and rebuilds the read models that hold names. As `POST /people/erasure`.
 * Embedded PGlite belongs to one process: stop the API first (with PostgreSQL it may keep running;
 * its cache of the key is dropped when the PersonErased event reaches its projections).
 */
export const erasePersonCommand = defineCommand({
  name: 'erase-person',
  usage: '--name "<name>" --reason "<why>"',
  summary: "Erase a person's name from every event and read model (the hash chain still verifies).",
  options: { name: { type: 'string' }, reason: { type: 'string' } },
  optionHelp: {
    name: { value: '<name>', text: 'The name as recorded (case and spacing do not matter).' },
    reason: { value: '<why>', text: 'Why, recorded in the PersonErased event (e.g. the request reference).' },
  },
  async run({ values }, io) {
    const name = values.name?.trim() ?? '';
    const reason = values.reason?.trim() ?? '';
    if (name === '' || name.length > 200) throw new UsageError('--name needs the name to erase (1 to 200 characters).');
    if (reason === '' || reason.length > 500) throw new UsageError('--reason needs a reason (1 to 500 characters).');
    const { db, store, personKeys, close } = await createEventStore({
      databaseUrl: io.config.databaseUrl,
      dataDir: io.config.dataDir,
      eventStore: io.config.eventStore,
      kurrentDbUrl: io.config.kurrentDbUrl,
      personalDataSecret: await personalDataSecretOf(io.config),
    });
    try {
      const actor = actorText({ kind: 'system', sub: 'erase-person', force: null, issuer: null, source: localUser() });
      const result = await erasePerson(
        { db, store, keys: personKeys, projections: io.projections },
        { name, reason, actor, now: new Date() },
      );
      io.stdout.write(
        `erased person ${result.personId} (PersonErased at position ${result.position ?? 'none'}); ` +
          `rebuilt ${result.rebuilt.join(', ') || 'no read model'}\n`,
      );
      return 0;
    } finally {
      await close();
    }
  },
});
