import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { keyIdOf, publicKeyPem } from './checkpoint.js';

/**
 * The port that signs checkpoints. The key never enters the database: today it is a PEM file or
 * variable (Ed25519CheckpointSigner); a KMS or HSM adapter would sign remotely behind the same class.
 */
export abstract class CheckpointSigner {
  abstract readonly keyId: string;
  /** What auditors verify with (`cli verify --public-key`). */
  abstract readonly publicKey: KeyObject;
  /** An Ed25519 signature (64 bytes) of `data`. */
  abstract sign(data: Uint8Array): Promise<Uint8Array>;
}

export class Ed25519CheckpointSigner extends CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    super();
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new TypeError(`a checkpoint key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    }
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  /** From a PKCS#8 PEM private key. */
  static fromPem(pem: string): Ed25519CheckpointSigner {
    return new Ed25519CheckpointSigner(createPrivateKey(pem));
  }

  static generate(): Ed25519CheckpointSigner {
    return new Ed25519CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  }

  sign(data: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(sign(null, data, this.privateKey)));
  }
}

const readIfExists = async (file: string): Promise<string | null> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

/** Where the public half of a key file is written for auditors. */
export const publicKeyFileOf = (keyFile: string): string => `${keyFile}.pub`;

/**
 * The signer of a PEM key file, generated there (mode 0600, its public key beside it in
 * `<file>.pub`) on first use, as the embedded default's auth secret is. Two processes racing to
 * create it both end up with the file that won (`wx` fails for the loser, which then reads it).
 */
export async function loadOrCreateCheckpointKey(file: string): Promise<Ed25519CheckpointSigner> {
  const existing = await readIfExists(file);
  if (existing !== null) return Ed25519CheckpointSigner.fromPem(existing);
  await mkdir(dirname(file), { recursive: true });
  const generated = generateKeyPairSync('ed25519');
  try {
    await writeFile(file, generated.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), {
      mode: 0o600,
      flag: 'wx',
    });
    await chmod(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const signer = Ed25519CheckpointSigner.fromPem((await readIfExists(file)) as string);
  await writeFile(publicKeyFileOf(file), publicKeyPem(signer.publicKey), { mode: 0o644 });
  return signer;
}

/** Where the key comes from (the configuration's CheckpointConfig['key']). */
export type CheckpointKeySource =
  { source: 'file'; file: string } | { source: 'env'; pem: string } | { source: 'none'; reason: string };

/** The signer the configuration names, or null when it names none. */
export async function checkpointSignerFor(key: CheckpointKeySource): Promise<CheckpointSigner | null> {
  switch (key.source) {
    case 'file':
      return loadOrCreateCheckpointKey(key.file);
    case 'env':
      return Ed25519CheckpointSigner.fromPem(key.pem);
    case 'none':
      return null;
    default: {
      const _exhaustive: never = key;
      return _exhaustive;
    }
  }
}
