/**
 * Splits a command line into words the way a POSIX shell does for quoting, without running
 * a shell: blanks separate words; `'...'` is literal; `"..."` keeps blanks and honours
 * `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes the next character.
 * No expansion (variables, globs, `~`) takes place.
 *
 * @param line The command line, e.g. `ls -l "My Documents"`.
 * @returns The words, e.g. `["ls", "-l", "My Documents"]`.
 * @throws {SyntaxError} On an unterminated quote or a trailing backslash.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot split the command ${JSON.stringify(line)}: ${what}`);
  };
  while (i < line.length) {
    const c = line[i++];
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i >= line.length) fail("it ends with a backslash");
      word += line[i++];
    } else if (c === "'") {
      const end = line.indexOf("'", i);
      if (end < 0) fail("a single quote is not closed");
      word += line.slice(i, end);
      i = end + 1;
    } else if (c === '"') {
      for (;;) {
        if (i >= line.length) fail("a double quote is not closed");
        const d = line[i++];
        if (d === '"') break;
        if (d === "\\" && i < line.length && '"\\$`\n'.includes(line[i])) word += line[i++];
        else word += d;
      }
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}
