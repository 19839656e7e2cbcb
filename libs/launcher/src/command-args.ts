import { parseArgs, type ParseArgsConfig, type ParseArgsOptionsConfig } from 'node:util';

/** `parseArgs`'s config without what `parseArgsOnce` fixes itself (strict, tokens). */
export type OnceArgsConfig = Omit<ParseArgsConfig, 'strict' | 'tokens' | 'options'> & {
  options: ParseArgsOptionsConfig;
};

type Fixed = { strict: true; tokens: true };

/**
 * Node's `parseArgs`, strict (an unknown option or a stray positional is refused), with each
 * option given at most once: `parseArgs` keeps the last of a repeated option, so `--workers 0
 * --workers 4` ran with 4 and never said the first was dropped. `-h` and `--help` are one option
 * (its tokens carry the long name). An option declared `multiple` is exempt: repeating it is
 * how it takes several values (`--tag a --tag b`). The apps' commands share it, each refusing
 * with its own usage error class so the code a user sees names the command.
 * @throws `usageError` with parseArgs's own message, or "Expected `--x` once, got it twice"
 */
export function parseArgsOnce<const T extends OnceArgsConfig>(
  config: T,
  usageError: new (message: string) => Error,
): ReturnType<typeof parseArgs<T & Fixed>> {
  // Typed for any options here (a token's name is a string); the caller gets its options' types.
  let parsed;
  try {
    parsed = parseArgs<OnceArgsConfig & Fixed>({ ...config, strict: true, tokens: true });
  } catch (error) {
    throw new usageError((error as Error).message);
  }
  const given = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || config.options[token.name]?.multiple === true) continue;
    if (given.has(token.name))
      throw new usageError(`Expected \`--${token.name}\` once, got it twice`);
    given.add(token.name);
  }
  return parsed as ReturnType<typeof parseArgs<T & Fixed>>;
}
