import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The `@default` of each property of `interfaceName` in a source file, as written there (the
 * text up to the first space: `0 (off)` gives `0`). The defaults are documented on the options
 * type, where an editor shows them, and set again in the defaults object: reading the first from
 * the source lets a test hold the two together instead of writing the values out a third time.
 */
export function documentedDefaults(file: string, interfaceName: string): Record<string, string> {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const declaration = source.statements.find(
    (node): node is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(node) && node.name.text === interfaceName,
  );
  if (declaration === undefined) throw new Error(`${file} declares no interface ${interfaceName}`);
  const defaults: Record<string, string> = {};
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
    const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
    const text = ts.getTextOfJSDocComment(tag?.comment);
    if (text !== undefined) defaults[member.name.text] = text.split(' ')[0] ?? text;
  }
  return defaults;
}
