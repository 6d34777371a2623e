// Copyright the dexpect authors. MIT license.
/**
 * Loads xterm.js statically for users of `@dexpect/dexpect/screen`, so that their screens
 * are ready at once. Only `screen/mod.ts` imports this file.
 *
 * @module
 */

import headless from "@xterm/headless";
import { SerializeAddon } from "@xterm/addon-serialize";
import { Unicode11Addon } from "@xterm/addon-unicode11";
import { provideXterm } from "./_xterm.ts";

provideXterm({ Terminal: headless.Terminal, SerializeAddon, Unicode11Addon });
