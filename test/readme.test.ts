import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ADMIN_ONLY_COMMANDS, USER_COMMANDS } from '../src/bot/commands.js';
import { helpText } from '../src/bot/texts.js';
import { loadCatalogue } from '../src/i18n/catalogue.js';
import { ROOT } from './faults/process.js';

/** The commands named in the first column of the README's command table, by who may use them. */
function readmeCommands(): { everyone: Set<string>; admins: Set<string> } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Configuration'));
  const everyone = new Set<string>();
  const admins = new Set<string>();
  for (const row of table.split('\n').filter((line) => line.startsWith('| `/'))) {
    const [, commandCell = '', who = ''] = row.split(/(?<!\\)\|/);
    for (const match of commandCell.matchAll(/`\/([a-z]+)/g)) (who.trim() === 'admins' ? admins : everyone).add(match[1] as string);
  }
  return { everyone, admins };
}

it('the README, /help and the command menu agree on who sees which command', () => {
  const t = loadCatalogue().in('en');
  const commandsIn = (text: string) => new Set([...text.matchAll(/(?:^|, |; )\/([a-z]+)/gm)].map((m) => m[1] as string));
  const userHelp = commandsIn(helpText(t, { userId: 1, isAdmin: false, granted: ['demo'], canUse: async () => true }));
  const adminHelp = commandsIn(helpText(t, { userId: 1, isAdmin: true, granted: [], canUse: async () => true }));
  const { everyone, admins } = readmeCommands();
  const extra = (set: Set<string>, ...minus: Set<string>[]) => [...set].filter((c) => !minus.some((m) => m.has(c))).sort();

  // Everything a user's /help names is in the README's table for everyone, and the other way round (but /start).
  expect([...userHelp].sort()).toEqual(extra(everyone, new Set(['start'])));
  expect(extra(adminHelp, userHelp)).toEqual([...admins].sort());
  expect([...USER_COMMANDS].sort()).toEqual([...userHelp].sort());
  expect([...ADMIN_ONLY_COMMANDS].sort()).toEqual([...admins].sort());
});
