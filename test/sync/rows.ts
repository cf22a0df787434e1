import type { FbComment } from '../../src/facebook/types.js';
import type { CommentRow } from '../../src/store/store.js';
import { commentHash } from '../../src/sync/format.js';

/** The store row a Facebook comment gets once imported (timeline.ts commits it so). */
export const importedRow = (c: FbComment, extra: Partial<CommentRow> = {}): CommentRow => ({
  id: c.id,
  postId: 'p',
  parentId: c.parentId ?? null,
  authorId: c.from?.id ?? null,
  authorName: c.from?.name ?? null,
  createdTime: c.createdTime,
  messageHash: commentHash(c),
  isHidden: c.isHidden,
  state: 'imported',
  taskId: 1,
  planfixCommentId: 100,
  byPage: false,
  ...extra,
});
