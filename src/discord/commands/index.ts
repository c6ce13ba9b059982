import type { SlashCommand } from '../command.ts';
import { ask } from './ask.ts';
import { brief } from './brief.ts';
import { feeds } from './feeds.ts';
import { help } from './help.ts';
import { sources } from './sources.ts';

/** Listed, not discovered: registration and the dispatcher both read this. Add /subscribe and others here. */
export const commands: readonly SlashCommand[] = [brief, ask, sources, feeds, help];
