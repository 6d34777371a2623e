// Copyright the dexpect authors. MIT license.
// deno-lint-ignore-file no-control-regex
import { strictEqual } from "node:assert/strict";
import { canMatchNewline, contextNeed, requiredLiteral } from "./_regex_analysis.ts";

Deno.test("canMatchNewline: false only when no part can consume a newline", () => {
  const never = [
    /abc/,
    /\$ $/,
    /^\d+\.\w+$/m,
    /[a-z\r]+/,
    /[^\n]+x/,
    /.+/,
    /\S+/,
    /a\x0db/,
    /(?=x)\bq/,
    /\u0041/,
    /[\0-\t]/,
    /\k<a>(?<a>b)/,
    /[^\s]/v,
  ];
  for (const re of never) strictEqual(canMatchNewline(re), false, String(re));
  const maybe = [
    /\n/,
    /\s/,
    /[\s]/,
    /\D/,
    /\W/,
    /[^x]/,
    /.+/s,
    /\x0a/,
    /\u000a/,
    /\u{a}/u,
    /\cJ/,
    /[\t-\r]/,
    /[\x00-\x7f]/,
    /\p{L}/u,
    new RegExp("\\12"),
    /[\n]/,
    new RegExp("a\nb"),
    /[[a-z]--[b]]/v,
  ];
  for (const re of maybe) strictEqual(canMatchNewline(re), true, String(re));
});

Deno.test("requiredLiteral: top-level literal runs, none with alternation or i", () => {
  const cases: [RegExp, string | null][] = [
    [/^1000000\r?$/m, "1000000"],
    [/BEGIN[\s\S]*END/, "END"],
    [/\d+ items\r?\n/, " items"],
    [/ab*c/, "a"],
    [/ab+c/, "ab"],
    [/a{2}bcd/, "bcd"],
    [/(?:x|y)prompt\$ /, "prompt$ "],
    [/a|b/, null],
    [/prompt/i, null],
    [/\w+/, null],
    [/(foo)/, null],
    [/x\.y\/z/, "x.y/z"],
    [/é😀+x/u, "é😀"],
  ];
  for (const [re, lit] of cases) strictEqual(requiredLiteral(re), lit, String(re));
});

Deno.test("contextNeed: what a regex looks at before its start", () => {
  strictEqual(contextNeed(/abc$/), "none");
  strictEqual(contextNeed(/[\^]a/), "none");
  strictEqual(contextNeed(/^a/m), "line");
  strictEqual(contextNeed(/^a/), "char");
  strictEqual(contextNeed(/\ba/), "char");
  strictEqual(contextNeed(/(?<=x)a/), "char");
  strictEqual(contextNeed(/(?<name>a)/), "none");
});
