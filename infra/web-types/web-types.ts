import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import ts from 'typescript';

/**
 * The web page's types, printed from the types the server's routes return (see docs/architecture.md,
 * "The web page"). The read routes return the read models' TypeScript types, which have no OpenAPI
 * schema, so the types are read from the compiler rather than from /docs/openapi.json.
 */

const here = dirname(fileURLToPath(import.meta.url));
// Run from source (jest) or from dist/infra/web-types (npm run web:types): the repository is above either.
const root = resolve(here, basename(resolve(here, '../..')) === 'dist' ? '../../..' : '../..');
export const WEB_TYPES_FILE = join(root, 'apps/web/src/generated/api-types.ts');

/** What a route answers: the awaited return type of a controller method. */
interface RouteEntry {
  name: string;
  route: string;
  file: string;
  controller: string;
  method: string;
}

/** A named type the page uses as it is (write results, problems). */
interface TypeEntry {
  file: string;
  type: string;
}

const ROUTES: RouteEntry[] = [
  route('Register', 'GET /agreements', 'agreements/agreements-read', 'AgreementsReadController', 'register'),
  route('AgreementAnswer', 'GET /agreements/:id', 'agreements/agreements-read', 'AgreementsReadController', 'one'),
  route('BoardList', 'GET /boards', 'boards/boards-read', 'BoardsReadController', 'list'),
  route('BoardAnswer', 'GET /boards/:id', 'boards/boards-read', 'BoardsReadController', 'one'),
  route(
    'BoardComplianceAnswer',
    'GET /boards/:id/compliance',
    'boards/boards-read',
    'BoardsReadController',
    'compliance',
  ),
  route('AlertList', 'GET /alerts', 'alerts/alerts', 'AlertsController', 'list'),
  route('AlertAnswer', 'GET /alerts/:id', 'alerts/alerts', 'AlertsController', 'one'),
  route('DecisionList', 'GET /decisions', 'decisions/decisions-read', 'DecisionsReadController', 'decisions'),
  route(
    'CollaborationsAnswer',
    'GET /bodies/:id/collaborations',
    'bodies/bodies-read',
    'BodiesReadController',
    'collaborations',
  ),
  route(
    'PublicRegisterAnswer',
    'GET /public/bodies/:id/agreements',
    'publication/public-register',
    'PublicRegisterController',
    'agreements',
  ),
  route('EventPage', 'GET /streams/:streamId/events', 'audit/audit-trail', 'AuditTrailController', 'streamEvents'),
  route('IntegrityAnswer', 'GET /integrity', 'integrity/integrity', 'IntegrityController', 'check'),
  route('DevSignInOptions', 'GET /auth/dev-sign-in', 'auth/dev-sign-in', 'DevSignInController', 'options'),
  route('DevTokenAnswer', 'POST /auth/dev-token', 'auth/dev-sign-in', 'DevSignInController', 'token'),
];

const TYPES: TypeEntry[] = [
  { file: 'libs/application/src/commands/command-runner.ts', type: 'WriteResult' },
  { file: 'libs/platform/src/problem-details/problem.ts', type: 'Problem' },
  // GET /bodies/:id/governance-statement answers JSON or CSV text: the JSON is this type.
  { file: 'libs/application/src/reports/governance-statement.ts', type: 'GovernanceStatement' },
];

function route(name: string, path: string, file: string, controller: string, method: string): RouteEntry {
  return { name, route: path, file: `apps/api/src/${file}.http.controller.ts`, controller, method };
}

function program(): ts.Program {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  const files = [...ROUTES.map((r) => r.file), ...TYPES.map((t) => t.file)].map((f) => join(root, f));
  return ts.createProgram([...new Set(files)], { ...parsed.options, noEmit: true });
}

const isIdentifier = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name);
const propertyName = (name: string): string => (isIdentifier(name) ? name : `'${name}'`);

class Printer {
  /** Named server types the page needs, by name, in the order first met. */
  private readonly named = new Map<string, ts.Symbol>();
  private readonly queue: ts.Symbol[] = [];

  constructor(private readonly checker: ts.TypeChecker) {}

  /** The declaration is the project's own (not a library's), so the page gets it by name. */
  private isProjectSymbol(symbol: ts.Symbol | undefined): symbol is ts.Symbol {
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
    return file !== undefined && !file.includes('/node_modules/') && relative(root, file).startsWith('..') === false;
  }

  private reference(symbol: ts.Symbol): string {
    const name = symbol.getName();
    const known = this.named.get(name);
    if (known === undefined) {
      this.named.set(name, symbol);
      this.queue.push(symbol);
    } else if (known !== symbol) {
      throw new Error(`Two server types are called ${name}: rename one, the web types name each once.`);
    }
    return name;
  }

  type(type: ts.Type, expand = false): string {
    const c = this.checker;
    if (!expand && type.aliasSymbol && !type.aliasTypeArguments && this.isProjectSymbol(type.aliasSymbol)) {
      return this.reference(type.aliasSymbol);
    }
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'unknown';
    if (type.flags & ts.TypeFlags.String) return 'string';
    if (type.flags & ts.TypeFlags.Number) return 'number';
    if (type.flags & ts.TypeFlags.Boolean) return 'boolean';
    if (type.flags & ts.TypeFlags.Null) return 'null';
    if (type.flags & ts.TypeFlags.Undefined) return 'undefined';
    if (type.isStringLiteral()) return `'${type.value.replace(/'/g, "\\'")}'`;
    if (type.isNumberLiteral()) return String(type.value);
    if (type.flags & ts.TypeFlags.BooleanLiteral) return c.typeToString(type);
    if (type.isUnion()) return this.union(type.types);
    // A branded primitive (`string & { __brand }`) is the primitive on the wire.
    const primitive = type.isIntersection()
      ? type.types.find((t) => t.flags & (ts.TypeFlags.String | ts.TypeFlags.Number))
      : undefined;
    if (primitive) return this.type(primitive);
    if (type.isIntersection()) return type.types.map((t) => this.wrapped(t)).join(' & ');
    if (c.isArrayType(type)) return `${this.wrapped(c.getTypeArguments(type as ts.TypeReference)[0] as ts.Type)}[]`;
    if (c.isTupleType(type))
      return `[${c
        .getTypeArguments(type as ts.TypeReference)
        .map((t) => this.type(t))
        .join(', ')}]`;
    const symbol = type.getSymbol();
    // JSON carries a Date as its ISO text.
    if (symbol?.getName() === 'Date' && !this.isProjectSymbol(symbol)) return 'string';
    if (
      !expand &&
      symbol &&
      symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class) &&
      this.isProjectSymbol(symbol)
    ) {
      return this.reference(symbol);
    }
    return this.object(type);
  }

  /**
   * A property declared with a project type alias (`kind: BodyKind`) keeps the name, even where the
   * checker has resolved the alias away (an alias of `(typeof KINDS)[number]`).
   */
  private declaredAlias(declaration: ts.Declaration | undefined): string | undefined {
    const node =
      declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration))
        ? declaration.type
        : undefined;
    if (!node || !ts.isTypeReferenceNode(node) || node.typeArguments) return undefined;
    let symbol = this.checker.getSymbolAtLocation(node.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.TypeAlias) || !this.isProjectSymbol(symbol)) return undefined;
    return this.reference(symbol);
  }

  private wrapped(type: ts.Type): string {
    const text = this.type(type);
    return (type.isUnion() && !(type.flags & ts.TypeFlags.Boolean)) || type.isIntersection() ? `(${text})` : text;
  }

  private union(members: readonly ts.Type[]): string {
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const rest = booleans.length === 2 ? members.filter((t) => !booleans.includes(t)) : members;
    const texts = rest.map((t) => this.type(t));
    if (booleans.length === 2) texts.push('boolean');
    // The checker's member order follows type ids, which move with unrelated code: sort instead, null last.
    const last = (t: string) => (t === 'null' || t === 'undefined' ? 1 : 0);
    return [...new Set(texts)].sort((a, b) => last(a) - last(b) || a.localeCompare(b)).join(' | ');
  }

  private object(type: ts.Type): string {
    const c = this.checker;
    const lines: string[] = [];
    for (const info of c.getIndexInfosOfType(type)) {
      lines.push(`[key: ${this.type(info.keyType)}]: ${this.type(info.type)};`);
    }
    for (const property of c.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration && (ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration))) continue;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const value = c.getTypeOfSymbol(property);
      if (value.getCallSignatures().length > 0) continue;
      // `name?: T` already allows undefined: print T alone.
      const printed =
        this.declaredAlias(declaration) ??
        (optional && value.isUnion()
          ? this.union(value.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)))
          : this.type(value));
      lines.push(`${propertyName(property.getName())}${optional ? '?' : ''}: ${printed};`);
    }
    return `{ ${lines.join(' ')} }`;
  }

  /** The declarations of every named type met so far, and of those they name in turn. */
  declarations(): string[] {
    const out: string[] = [];
    for (let symbol = this.queue.shift(); symbol; symbol = this.queue.shift()) {
      const body = this.type(this.checker.getDeclaredTypeOfSymbol(symbol), true);
      out.push(
        symbol.flags & ts.SymbolFlags.TypeAlias || !body.startsWith('{')
          ? `export type ${symbol.getName()} = ${body};`
          : `export interface ${symbol.getName()} ${body}`,
      );
    }
    return out;
  }
}

function awaited(checker: ts.TypeChecker, type: ts.Type): ts.Type {
  return checker.getAwaitedType(type) ?? type;
}

function findClass(source: ts.SourceFile, name: string): ts.ClassDeclaration {
  const found = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name,
  );
  if (!found) throw new Error(`${source.fileName} declares no class ${name}.`);
  return found;
}

/** The text of apps/web/src/generated/api-types.ts, formatted as the repository formats code. */
export async function generateWebTypes(): Promise<string> {
  const built = program();
  const checker = built.getTypeChecker();
  const printer = new Printer(checker);
  const sections: string[] = [];
  for (const entry of ROUTES) {
    const source = built.getSourceFile(join(root, entry.file));
    if (!source) throw new Error(`${entry.file} is not in the program.`);
    const method = findClass(source, entry.controller).members.find(
      (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText(source) === entry.method,
    );
    if (!method) throw new Error(`${entry.controller} has no method ${entry.method}.`);
    const signature = checker.getSignatureFromDeclaration(method);
    if (!signature) throw new Error(`${entry.controller}.${entry.method} has no signature.`);
    const answer = awaited(checker, checker.getReturnTypeOfSignature(signature));
    sections.push(
      `/** ${entry.route} (${entry.controller}.${entry.method}). */\nexport type ${entry.name} = ${printer.type(answer)};`,
    );
  }
  for (const entry of TYPES) {
    const source = built.getSourceFile(join(root, entry.file));
    const symbol = source && checker.getSymbolAtLocation(source)?.exports?.get(ts.escapeLeadingUnderscores(entry.type));
    if (!symbol) throw new Error(`${entry.file} exports no ${entry.type}.`);
    printer.type(checker.getDeclaredTypeOfSymbol(symbol));
  }
  const text = [
    '// Generated by `npm run web:types` from the types the API routes return: do not edit.',
    '// test/web/web-types.spec.ts fails when this file no longer matches the server.',
    '',
    [...sections, ...printer.declarations()].join('\n\n'),
  ].join('\n');
  return format(text, { ...(await resolveConfig(WEB_TYPES_FILE)), filepath: WEB_TYPES_FILE });
}
