import type { SlashCommand } from '../command.ts';
import { ask } from './ask.ts';
import { brief } from './brief.ts';
import { feeds } from './feeds.ts';
import { help } from './help.ts';
import { sources } from './sources.ts';
import { subscribe } from './subscribe.ts';
import { subscriptions } from './subscriptions.ts';
import { unsubscribe } from './unsubscribe.ts';

/** Listed, not discovered: registration and the dispatcher both read this. */
export const commands: readonly SlashCommand[] = [brief, ask, sources, feeds, subscribe, unsubscribe, subscriptions, help];
