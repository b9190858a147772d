// Reads the generated model classes of @kubernetes/client-node (the 1.33
// release, installed as @kubernetes/client-node-1.33): each class's runtime
// attributeTypeMap gives the JSON name, TypeScript type and OpenAPI format of
// every field; its declaration file gives which fields are required (no `?`)
// and the descriptions (the doc comments the generator copied from the spec).

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MODEL_PACKAGE = '@kubernetes/client-node-1.33';

export interface ModelField {
  readonly name: string;
  /** The TypeScript type as the generator wrote it: `string`, `Array<V1Container>`, `{ [key: string]: string; }`, … */
  readonly type: string;
  readonly format: string;
  readonly required: boolean;
  readonly description: string;
}

export interface Model {
  /** The class name: `V1Pod`, `CoreV1Event`, `V1beta1Foo`. */
  readonly name: string;
  readonly description: string;
  readonly fields: readonly ModelField[];
}

export interface ModelPackage {
  readonly version: string;
  /** `v1.33.0`: the spec release the models were generated from. */
  readonly specVersion: string;
  readonly models: ReadonlyMap<string, Model>;
}

export class ModelPackageError extends Error {
  readonly code = 'MODEL_PACKAGE_UNREADABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelPackageError';
  }
}

interface AttributeType {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

function locate(fromDir: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  try {
    return dirname(require.resolve(`${MODEL_PACKAGE}/package.json`));
  } catch (error: unknown) {
    throw new ModelPackageError(`${MODEL_PACKAGE} is not installed for ${fromDir} (npm install)`, { cause: error });
  }
}

/** The generator escapes quotes in comments (`\'`, `\"`); the text itself is the spec's. */
function commentText(lines: readonly string[]): string {
  return lines
    .map((l) => l.replace(/^\s*\*\s?/, '').trimEnd())
    .join('\n')
    .trim()
    .replace(/\\(['"])/g, '$1');
}

const PROPERTY = /^ {4}'([^']+)'(\?)?: /;

/** Descriptions and required flags from a model's .d.ts. */
function readDeclaration(source: string): { classDoc: string; fields: Map<string, { required: boolean; description: string }> } {
  const fields = new Map<string, { required: boolean; description: string }>();
  let classDoc = '';
  let doc: string[] | undefined;
  let pending = '';
  for (const line of source.split('\n')) {
    if (/^\s*\/\*\*/.test(line)) {
      doc = [];
      continue;
    }
    if (doc !== undefined) {
      if (/^\s*\*\/\s*$/.test(line)) {
        pending = commentText(doc);
        doc = undefined;
      } else {
        doc.push(line);
      }
      continue;
    }
    if (line.startsWith('export declare class')) {
      classDoc = pending;
      pending = '';
      continue;
    }
    const m = PROPERTY.exec(line);
    if (m !== null) {
      fields.set(m[1]!, { required: m[2] === undefined, description: pending });
      pending = '';
    } else if (line.trim() !== '') {
      pending = '';
    }
  }
  return { classDoc, fields };
}

export async function readModelPackage(fromDir: string): Promise<ModelPackage> {
  const root = locate(fromDir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const dir = join(root, 'dist', 'gen', 'models');
  const models = new Map<string, Model>();
  let specVersion = '';
  const files = readdirSync(dir).filter((f) => f.endsWith('.d.ts') && f !== 'all.d.ts' && f !== 'ObjectSerializer.d.ts').sort();
  for (const file of files) {
    const name = file.slice(0, -'.d.ts'.length);
    const dts = readFileSync(join(dir, file), 'utf8');
    if (specVersion === '') specVersion = /OpenAPI spec version: (\S+)/.exec(dts)?.[1] ?? '';
    const mod = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as Record<string, { attributeTypeMap?: readonly AttributeType[] } | undefined>;
    const cls = mod[name];
    if (cls?.attributeTypeMap === undefined) continue; // type aliases and helpers, not models
    const decl = readDeclaration(dts);
    const fields = cls.attributeTypeMap.map((a): ModelField => {
      const d = decl.fields.get(a.name);
      if (d === undefined) throw new ModelPackageError(`${file}: no declaration for field ${a.name}`);
      return { name: a.baseName, type: a.type, format: a.format, required: d.required, description: d.description };
    });
    models.set(name, { name, description: decl.classDoc, fields });
  }
  if (models.size === 0) throw new ModelPackageError(`${dir}: no models found`);
  return { version: pkg.version, specVersion, models };
}
