// Which fields each node type has. The selection is checked against this before anything is
// read or written: Graph rejects a misspelt sub-field even when the edge it sits in is empty,
// so validating while rendering data would let a wrong client pass on an empty Page.

import { GraphError } from './errors.js';
import type { FieldSel } from './fields.js';
import { edgeParams, pictureData } from './render.js';

interface FieldSpec {
  /** Node type of the value, for fields that take a sub-field list. */
  node?: string;
  modifiers?: readonly string[];
}

const EDGE_MODS = ['limit', 'filter', 'order', 'summary', 'since', 'until', 'live_filter', 'after', 'before'] as const;
const REACTION_MODS = ['limit', 'summary', 'type'] as const;

const scalars = (names: string[]): Record<string, FieldSpec> => Object.fromEntries(names.map((n) => [n, {}]));

const NODES: Record<string, Record<string, FieldSpec>> = {
  Post: {
    ...scalars([
      'id', 'message', 'story', 'created_time', 'updated_time', 'permalink_url', 'is_published', 'is_hidden',
      'is_eligible_for_dark_post', 'status_type', 'full_picture', 'message_tags', 'parent_id', 'shares', 'place', 'privacy',
    ]),
    from: { node: 'User' },
    attachments: { node: 'StoryAttachment' },
    comments: { node: 'Comment', modifiers: EDGE_MODS },
    reactions: { node: 'Reaction', modifiers: REACTION_MODS },
    likes: { node: 'Reaction', modifiers: REACTION_MODS },
  },
  Comment: {
    ...scalars([
      'id', 'message', 'created_time', 'comment_count', 'like_count', 'permalink_url', 'is_hidden', 'is_private',
      'can_comment', 'can_hide', 'can_remove', 'can_like', 'can_reply_privately', 'user_likes', 'message_tags',
      'private_reply_conversation', 'object', 'application', 'admin_creator', 'live_broadcast_timestamp',
    ]),
    from: { node: 'User' },
    parent: { node: 'Comment' },
    attachment: { node: 'StoryAttachment' },
    comments: { node: 'Comment', modifiers: EDGE_MODS },
    reactions: { node: 'Reaction', modifiers: REACTION_MODS },
    likes: { node: 'Reaction', modifiers: REACTION_MODS },
  },
  User: { ...scalars(['id', 'name']), picture: { node: 'ProfilePictureSource', modifiers: ['type', 'width', 'height', 'redirect'] } },
  ProfilePictureSource: scalars(['url', 'width', 'height', 'is_silhouette']),
  Reaction: scalars(['id', 'name', 'type']),
  StoryAttachment: {
    ...scalars(['description', 'media_type', 'title', 'type', 'unshimmed_url', 'url', 'subattachments']),
    media: { node: 'StoryAttachmentMedia' },
    target: { node: 'StoryAttachmentTarget' },
  },
  StoryAttachmentMedia: { image: { node: 'ImageSource' }, source: {} },
  ImageSource: scalars(['src', 'width', 'height']),
  StoryAttachmentTarget: scalars(['id', 'url', 'unshimmed_url']),
};

// Removed for feed/posts in v3.3 (notes §1 "Deprecated since v3.3").
const DEPRECATED_POST_FIELDS = new Set(['caption', 'description', 'link', 'name', 'object_id', 'source', 'type']);

export function validateFields(sel: FieldSel[], node: 'Post' | 'Comment'): void {
  walk(sel, node);
}

function walk(sel: FieldSel[], node: string): void {
  const fields = NODES[node];
  for (const f of sel) {
    const spec = fields[f.name];
    if (!spec) {
      if (node === 'Post' && DEPRECATED_POST_FIELDS.has(f.name)) {
        throw new GraphError({
          message: '(#12) deprecate_post_aggregated_fields_for_attachement is deprecated for versions v3.3 and higher',
          code: 12,
        });
      }
      throw GraphError.nonexistingField(f.name, node);
    }
    for (const m of Object.keys(f.modifiers)) {
      if (!spec.modifiers?.includes(m)) throw GraphError.param(`(#100) Unsupported modifier .${m}() on field (${f.name})`);
    }
    // Modifier values are checked by the same parsers the answer uses.
    if (spec.node === 'Comment' && spec.modifiers) edgeParams((k) => f.modifiers[k]);
    if (spec.node === 'ProfilePictureSource') pictureData('', '', f.modifiers);
    if (f.sub) {
      if (!spec.node) throw GraphError.param(`(#100) Field (${f.name}) does not take a sub-field list`);
      walk(f.sub, spec.node);
    }
  }
}
