import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Topic } from './topic.ts';

export class TopicFileError extends Error {
  override name = 'TopicFileError';
}

/** Every *.json in the folder is a topic; a file that does not parse stops start-up with its name. */
export async function loadTopics(dir: string): Promise<Topic[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (err) {
    throw new TopicFileError(`Cannot read the topics folder ${dir} (TOPICS_DIR): ${(err as Error).message}`);
  }
  const topics: Topic[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new TopicFileError(`${path}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = Topic.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new TopicFileError(`${path}: ${issues.join('; ')}`);
    }
    topics.push(parsed.data);
  }
  if (topics.length === 0) throw new TopicFileError(`No topic files (*.json) in ${dir} (TOPICS_DIR).`);
  return topics;
}
