import { z } from 'zod';

export const Entity = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string().min(1),
  /** Which side of the relationship the entity stands for; absent for shared places and things. */
  side: z.string().optional(),
  aliases: z.array(z.string().min(1)).min(1),
});
export type Entity = z.infer<typeof Entity>;

export const Topic = z
  .object({
    slug: z.string().regex(/^[a-z0-9-]+$/, 'expected a lowercase slug such as china-dprk'),
    title: z.string().min(1),
    description: z.string().min(1),
    /** An article is on-topic when every side is present (see onTopic). */
    sides: z.array(z.string().min(1)).min(1),
    entities: z.array(Entity).min(1),
    onTopic: z.object({
      /** A side counts as present with this many mentions anywhere in the article… */
      minMentionsPerSide: z.number().int().min(1).default(2),
      /** …or with one mention in the title or the first this-many characters of the text. */
      leadCharacters: z.number().int().min(0).default(400),
    }),
  })
  .superRefine((topic, ctx) => {
    // An id names the entity's index term (~id) and keys its mention count, so two entities cannot share one.
    const ids = topic.entities.map((entity) => entity.id);
    for (const [at, id] of ids.entries()) {
      if (ids.indexOf(id) !== at) ctx.addIssue({ code: 'custom', message: `entity id "${id}" is used twice`, path: ['entities', at, 'id'] });
    }
    for (const side of topic.sides) {
      if (!topic.entities.some((entity) => entity.side === side)) {
        ctx.addIssue({ code: 'custom', message: `side "${side}" has no entity`, path: ['sides'] });
      }
    }
  });
export type Topic = z.infer<typeof Topic>;
